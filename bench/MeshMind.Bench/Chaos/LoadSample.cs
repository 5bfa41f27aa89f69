using System.Globalization;
using MeshMind.Bench.Llm;

namespace MeshMind.Bench.Chaos;

/// <summary>Latencies of one kind of request in a load run, with how many failed and why.</summary>
internal sealed class LoadSample(string name)
{
    private readonly List<double> _ms = [];
    private readonly Dictionary<string, int> _errors = [];

    public string Name { get; } = name;

    public int Count => _ms.Count;

    public int Errors => _errors.Values.Sum();

    public double Max => _ms.Count == 0 ? double.NaN : _ms.Max();

    public Percentiles Percentiles => Percentiles.Of(_ms);

    public void Add(double ms) => _ms.Add(ms);

    public void Fail(string reason) => _errors[reason] = _errors.GetValueOrDefault(reason) + 1;

    /// <summary>e.g. <c>3 × HTTP 503: …; 1 × stream ended …</c>, or empty.</summary>
    public string DescribeErrors() => string.Join("; ", _errors.OrderByDescending(e => e.Value).Select(e => $"{e.Value} × {e.Key}"));

    /// <summary>A markdown row: name, count, errors, p50, p95, p99, max (ms), and whether p99 is within <paramref name="targetMs"/>.</summary>
    public string Row(double targetMs) => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Count:N0} | {Errors} | {Ms(Percentiles.P50)} | {Ms(Percentiles.P95)} | {Ms(Percentiles.P99)} | {Ms(Max)} | {(Percentiles.P99 <= targetMs ? "met" : "NOT met")} |");

    public static string Ms(double value) => double.IsNaN(value) ? "–" : value.ToString(value < 100 ? "F2" : "F0", CultureInfo.InvariantCulture);
}
