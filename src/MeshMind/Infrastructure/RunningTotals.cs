using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace MeshMind.Infrastructure;

/// <summary>
/// Running totals per combination of a few low-cardinality tag values, read by an observable counter. A metrics reader
/// that starts late (the Prometheus exporter is built at the first scrape) still sees every event since the node started.
/// </summary>
internal sealed class RunningTotals(params string[] tagNames)
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _totals = new(StringComparer.Ordinal);

    public void Add(long value, params string[] tagValues) =>
        Interlocked.Add(ref _totals.GetOrAdd(string.Join('\n', tagValues), static _ => new StrongBox<long>()).Value, value);

    public IEnumerable<Measurement<long>> Observe() =>
        _totals.Select(t => new Measurement<long>(Interlocked.Read(ref t.Value.Value),
            tagNames.Zip(t.Key.Split('\n'), (name, value) => new KeyValuePair<string, object?>(name, value))));
}
