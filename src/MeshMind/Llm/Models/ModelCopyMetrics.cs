using System.Diagnostics.Metrics;

namespace MeshMind.Llm.Models;

/// <summary>
/// Model copies (meter <c>MeshMind.Models</c>): <c>meshmind.models.copy.bytes</c> {direction: served, received} and
/// <c>meshmind.models.copy.blocks_refused</c> (blocks that did not match their block list).
/// </summary>
internal sealed class ModelCopyMetrics
{
    public const string MeterName = "MeshMind.Models";
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _refused;
    private long _served;
    private long _refusedCount;

    public ModelCopyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _bytes = meter.CreateCounter<long>("meshmind.models.copy.bytes", "By", "Model blob bytes sent to peers (served) and taken from them (received)");
        _refused = meter.CreateCounter<long>("meshmind.models.copy.blocks_refused", "{block}", "Blocks of a copied blob that did not match its block list");
    }

    /// <summary>Blob bytes this node has sent to peers since it started.</summary>
    public long BytesServed => Interlocked.Read(ref _served);

    public void Served(long bytes)
    {
        Interlocked.Add(ref _served, bytes);
        _bytes.Add(bytes, new KeyValuePair<string, object?>("direction", "served"));
    }

    public void Received(long bytes) => _bytes.Add(bytes, new KeyValuePair<string, object?>("direction", "received"));

    /// <summary>Blocks from peers this node refused since it started.</summary>
    public long BlocksRefused => Interlocked.Read(ref _refusedCount);

    public void Refused()
    {
        Interlocked.Increment(ref _refusedCount);
        _refused.Add(1);
    }
}
