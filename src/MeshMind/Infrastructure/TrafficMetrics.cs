using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MeshMind.Infrastructure;

/// <summary>
/// Bytes each way per channel (<c>meshmind.network.bytes</c> {channel, direction}): channels that count events as they
/// happen add to it (<see cref="Add"/>), channels that keep their own counters register a reader (<see cref="Observe"/>).
/// Features name their channels; this class knows none of them.
/// </summary>
internal sealed class TrafficMetrics
{
    public const string MeterName = "MeshMind.Network";
    private readonly RunningTotals _events = new("channel", "direction");
    private readonly ConcurrentDictionary<string, Func<(long In, long Out)>> _observed = new(StringComparer.Ordinal);

    public TrafficMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("meshmind.network.bytes", ReadAll, "By", "Bytes by channel (discovery, links, proxy) and direction");
    }

    /// <summary>Counts bytes that just went through <paramref name="channel"/>.</summary>
    public void Add(string channel, long bytesIn, long bytesOut)
    {
        if (bytesIn > 0)
        {
            _events.Add(bytesIn, channel, "in");
        }

        if (bytesOut > 0)
        {
            _events.Add(bytesOut, channel, "out");
        }
    }

    /// <summary>A channel whose owner keeps running totals; read whenever the counter is observed.</summary>
    public void Observe(string channel, Func<(long In, long Out)> totals) => _observed[channel] = totals;

    /// <summary>Every channel's bytes so far, keyed <c>channel.direction</c> (<c>"links.in"</c>), in key order.</summary>
    public IReadOnlyDictionary<string, long> Totals()
    {
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var measurement in ReadAll())
        {
            string? channel = null, direction = null;
            foreach (var tag in measurement.Tags)
            {
                (channel, direction) = tag.Key switch
                {
                    "channel" => (tag.Value as string, direction),
                    "direction" => (channel, tag.Value as string),
                    _ => (channel, direction),
                };
            }

            if (channel is not null && direction is not null)
            {
                var key = $"{channel}.{direction}";
                totals[key] = totals.GetValueOrDefault(key) + measurement.Value;
            }
        }

        return totals;
    }

    private IEnumerable<Measurement<long>> ReadAll()
    {
        foreach (var measurement in _events.Observe())
        {
            yield return measurement;
        }

        foreach (var (channel, read) in _observed)
        {
            var (bytesIn, bytesOut) = read();
            yield return new Measurement<long>(bytesIn, new("channel", channel), new("direction", "in"));
            yield return new Measurement<long>(bytesOut, new("channel", channel), new("direction", "out"));
        }
    }
}
