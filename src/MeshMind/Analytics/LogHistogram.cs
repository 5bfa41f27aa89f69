namespace MeshMind.Analytics;

/// <summary>
/// Fixed log-scale buckets shared by every histogram, so histograms from different minutes and nodes merge exactly.
/// Bucket 0 holds values up to <see cref="Base"/>; bucket i holds (Base·Growth^(i-1), Base·Growth^i]. A percentile read
/// from a bucket is off by at most half a bucket's width: about 2.5 % of the value.
/// </summary>
internal static class LogHistogram
{
    /// <summary>The smallest value told apart (0.01 ms = 10 µs for latencies).</summary>
    public const double Base = 0.01;

    public const double Growth = 1.05;

    /// <summary>Bucket count: the last one starts near 1.3·10⁸ (36 hours in milliseconds); larger values land in it.</summary>
    public const int Buckets = 480;

    private static readonly double LogGrowth = Math.Log(Growth);

    public static int Index(double value) =>
        value <= Base || double.IsNaN(value) ? 0 : Math.Min(Buckets - 1, (int)Math.Ceiling(Math.Log(value / Base) / LogGrowth));

    public static double Upper(int index) => Base * Math.Pow(Growth, index);

    public static double Lower(int index) => index == 0 ? 0 : Upper(index - 1);

    /// <summary>
    /// The nearest-rank percentile (<paramref name="quantile"/> in 0..1) of the counts: the geometric middle of the
    /// bucket holding that rank, kept within [<paramref name="min"/>, <paramref name="max"/>] (the exact extremes).
    /// </summary>
    public static double Percentile(ReadOnlySpan<long> counts, long total, double quantile, double min, double max)
    {
        if (total <= 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                var estimate = i == 0 ? Base / 2 : Math.Sqrt(Lower(i) * Upper(i));
                return Math.Clamp(estimate, min, max);
            }
        }

        return max;
    }
}
