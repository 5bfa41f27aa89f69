using System.Diagnostics.Metrics;

namespace MeshMind.Knowledge;

/// <summary>
/// Meter <c>MeshMind.Knowledge</c>: <c>meshmind.knowledge.indexed</c> (bytes of files indexed), <c>meshmind.knowledge.index_duration</c>
/// (seconds per file), <c>meshmind.knowledge.searches</c> {outcome: complete, partial} and <c>meshmind.knowledge.search_duration</c>.
/// </summary>
internal sealed class KnowledgeMetrics
{
    public const string MeterName = "MeshMind.Knowledge";
    private readonly Counter<long> _indexed;
    private readonly Histogram<double> _indexDuration;
    private readonly Counter<long> _searches;
    private readonly Histogram<double> _searchDuration;

    public KnowledgeMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _indexed = meter.CreateCounter<long>("meshmind.knowledge.indexed", "By", "Bytes of shared files indexed");
        _indexDuration = meter.CreateHistogram<double>("meshmind.knowledge.index_duration", "s", "Time to index one file");
        _searches = meter.CreateCounter<long>("meshmind.knowledge.searches", "{search}", "Searches across the mesh, by whether every peer answered");
        _searchDuration = meter.CreateHistogram<double>("meshmind.knowledge.search_duration", "s", "Time of a search across the mesh");
    }

    public void Indexed(long bytes, TimeSpan took)
    {
        _indexed.Add(bytes);
        _indexDuration.Record(took.TotalSeconds);
    }

    public void Searched(bool complete, TimeSpan took)
    {
        _searches.Add(1, new KeyValuePair<string, object?>("outcome", complete ? "complete" : "partial"));
        _searchDuration.Record(took.TotalSeconds);
    }
}
