namespace MeshMind.Bench.Llm;

/// <summary>p50/p95/p99 of a sample, nearest-rank (the value below which that share of the sample lies).</summary>
internal readonly record struct Percentiles(double P50, double P95, double P99)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return new Percentiles(Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99));
    }

    /// <summary>The difference of each percentile (not the percentiles of per-request differences).</summary>
    public Percentiles Minus(Percentiles other) => new(P50 - other.P50, P95 - other.P95, P99 - other.P99);

    public static double Median(IEnumerable<double> values) => Of(values).P50;

    private static double Rank(double[] sorted, double share) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Length) - 1, 0, sorted.Length - 1)];
}
