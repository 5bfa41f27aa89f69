using MeshMind.Analytics;

namespace MeshMind.Tests.Analytics;

/// <summary>Percentiles from the shared log buckets against distributions whose percentiles are known exactly.</summary>
public sealed class HistogramTests
{
    // Half a bucket: the estimate is the geometric middle of a bucket 5 % wide.
    private const double Tolerance = 0.025;

    private static double Exact(List<double> sorted, double q) => sorted[(int)Math.Ceiling(q * sorted.Count) - 1];

    private static void AssertClose(double expected, double actual) =>
        Assert.InRange(actual, expected * (1 - Tolerance), expected * (1 + Tolerance));

    public static TheoryData<string> Distributions => ["uniform", "exponential", "lognormal", "bimodal"];

    private static List<double> Sample(string distribution)
    {
        var random = new Random(42);
        return [.. Enumerable.Range(0, 20_000).Select(_ => distribution switch
        {
            "uniform" => 1 + (random.NextDouble() * 999),
            "exponential" => -Math.Log(1 - random.NextDouble()) * 25,
            "lognormal" => Math.Exp(2 + (Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))),
            _ => random.NextDouble() < 0.9 ? 2 + random.NextDouble() : 400 + (random.NextDouble() * 100),
        }).Order()];
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Percentiles_MatchTheExactOnesWithinHalfABucket(string distribution)
    {
        var values = Sample(distribution);
        var tally = new Tally();
        foreach (var value in values.OrderBy(_ => Random.Shared.Next()))
        {
            tally.Add(value: value);
        }

        var stats = tally.Stats();

        Assert.Equal(values.Count, stats.Count);
        AssertClose(Exact(values, 0.50), stats.P50);
        AssertClose(Exact(values, 0.95), stats.P95);
        AssertClose(Exact(values, 0.99), stats.P99);
        Assert.Equal(Math.Round(values[^1], 3), stats.Max);
        Assert.Equal(Math.Round(values.Average(), 3), stats.Mean, 2);
    }

    [Fact]
    public void OneValue_IsEveryPercentile()
    {
        var tally = new Tally();
        tally.Add(value: 12.5);

        var stats = tally.Stats();

        Assert.Equal(new ValueStats(1, 12.5, 12.5, 12.5, 12.5, 12.5), stats);
    }

    [Fact]
    public void NoValues_AreZeros_AndEventsWithoutValuesStillCount()
    {
        var tally = new Tally();
        tally.Add(count: 3);

        Assert.Equal(ValueStats.Empty, tally.Stats());
        Assert.Equal(3, tally.Snapshot().Count);
    }

    [Fact]
    public void Merging_StoredParts_EqualsOneTallyOfEverything()
    {
        var values = Sample("lognormal");
        var whole = new Tally();
        var parts = Enumerable.Range(0, 7).Select(_ => new Tally()).ToArray();
        for (var i = 0; i < values.Count; i++)
        {
            whole.Add(value: values[i], error: i % 10 == 0, bytesIn: i, bytesOut: 2 * i);
            parts[i % parts.Length].Add(value: values[i], error: i % 10 == 0, bytesIn: i, bytesOut: 2 * i);
        }

        // Through JSON and back, as the store keeps them.
        var stored = parts.Select(p => System.Text.Json.JsonSerializer.Deserialize<TallyData>(System.Text.Json.JsonSerializer.Serialize(p.Snapshot()))!);
        var merged = Tally.From(stored);

        Assert.Equal(whole.Stats(), merged.Stats());
        var (a, b) = (whole.Snapshot(), merged.Snapshot());
        Assert.Equal((a.Count, a.Errors, a.BytesIn, a.BytesOut, a.Values), (b.Count, b.Errors, b.BytesIn, b.BytesOut, b.Values));
        Assert.Equal(a.Histogram, b.Histogram);
    }

    [Fact]
    public void Buckets_AreContiguousAndCoverTheirValues()
    {
        foreach (var value in new[] { 0.0, 0.01, 0.0105, 0.5, 1, 3.3, 250, 1e6, 1e12 })
        {
            var index = LogHistogram.Index(value);
            Assert.True(value <= LogHistogram.Upper(index) || index == LogHistogram.Buckets - 1, $"{value} above bucket {index}");
            Assert.True(value > LogHistogram.Lower(index) || index == 0, $"{value} below bucket {index}");
        }
    }
}
