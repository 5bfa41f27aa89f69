using System.Text.Json.Serialization;

namespace MeshMind.Analytics;

/// <summary>
/// What happened to one key (a route, a model, a peer…) in one time bucket: events, errors, bytes, and the
/// distribution of a measured value (latency in ms, tokens/s, a gauge). Thread-safe; merging is exact.
/// </summary>
internal sealed class Tally
{
    private readonly Lock _lock = new();
    private long[]? _histogram;
    private long _count;
    private long _errors;
    private long _clientErrors;
    private long _bytesIn;
    private long _bytesOut;
    private long _values;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max;

    public void Add(long count = 1, double? value = null, bool error = false, bool clientError = false, long bytesIn = 0, long bytesOut = 0)
    {
        lock (_lock)
        {
            _count += count;
            _errors += error ? 1 : 0;
            _clientErrors += clientError ? 1 : 0;
            _bytesIn += bytesIn;
            _bytesOut += bytesOut;
            if (value is { } v && double.IsFinite(v))
            {
                v = Math.Max(0, v);
                _values++;
                _sum += v;
                _min = Math.Min(_min, v);
                _max = Math.Max(_max, v);
                (_histogram ??= new long[LogHistogram.Buckets])[LogHistogram.Index(v)]++;
            }
        }
    }

    public void Merge(TallyData data)
    {
        lock (_lock)
        {
            _count += data.Count;
            _errors += data.Errors;
            _clientErrors += data.ClientErrors;
            _bytesIn += data.BytesIn;
            _bytesOut += data.BytesOut;
            if (data.Values > 0)
            {
                _values += data.Values;
                _sum += data.Sum;
                _min = Math.Min(_min, data.Min);
                _max = Math.Max(_max, data.Max);
                var histogram = _histogram ??= new long[LogHistogram.Buckets];
                var sparse = data.Histogram ?? [];
                for (var i = 0; i + 1 < sparse.Length; i += 2)
                {
                    if (sparse[i] >= 0 && sparse[i] < LogHistogram.Buckets && sparse[i + 1] > 0)
                    {
                        histogram[sparse[i]] += sparse[i + 1];
                    }
                }
            }
        }
    }

    public TallyData Snapshot()
    {
        lock (_lock)
        {
            long[]? sparse = null;
            if (_histogram is not null)
            {
                var pairs = new List<long>();
                for (var i = 0; i < _histogram.Length; i++)
                {
                    if (_histogram[i] > 0)
                    {
                        pairs.Add(i);
                        pairs.Add(_histogram[i]);
                    }
                }

                sparse = [.. pairs];
            }

            return new TallyData(_count, _errors, _clientErrors, _bytesIn, _bytesOut, _values, _sum,
                _values > 0 ? _min : 0, _max, sparse);
        }
    }

    /// <summary>Count, mean, p50/p95/p99 and max of the measured values (zeros when there are none).</summary>
    public ValueStats Stats()
    {
        lock (_lock)
        {
            if (_values == 0 || _histogram is null)
            {
                return ValueStats.Empty;
            }

            double P(double q) => Math.Round(LogHistogram.Percentile(_histogram, _values, q, _min, _max), 3);
            return new ValueStats(_values, Math.Round(_sum / _values, 3), P(0.50), P(0.95), P(0.99), Math.Round(_max, 3));
        }
    }

    public static Tally From(IEnumerable<TallyData> parts)
    {
        var tally = new Tally();
        foreach (var part in parts)
        {
            tally.Merge(part);
        }

        return tally;
    }
}

/// <summary>A <see cref="Tally"/> as stored (one JSON object per row); the histogram is sparse: [index, count, index, count, …].</summary>
internal sealed record TallyData(
    [property: JsonPropertyName("c")] long Count,
    [property: JsonPropertyName("e")] long Errors,
    [property: JsonPropertyName("ce")] long ClientErrors,
    [property: JsonPropertyName("bi")] long BytesIn,
    [property: JsonPropertyName("bo")] long BytesOut,
    [property: JsonPropertyName("n")] long Values,
    [property: JsonPropertyName("s")] double Sum,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("h")] long[]? Histogram);

/// <summary>The "Stats" object of the analytics API.</summary>
internal sealed record ValueStats(long Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static readonly ValueStats Empty = new(0, 0, 0, 0, 0, 0);
}
