using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace MeshMind.Infrastructure;

/// <summary>
/// Running totals per combination of up to two low-cardinality tag values, read by an observable counter. A metrics
/// reader that starts late (the Prometheus exporter is built at the first scrape) still sees every event since the node started.
/// </summary>
/// <remarks>Keyed by the tag values themselves (no string is built per event: this runs for every chat and every call).</remarks>
public sealed class RunningTotals(params string[] tagNames)
{
    private readonly ConcurrentDictionary<(string? First, string? Second), StrongBox<long>> _totals = new();

    public void Add(long value) => Add(value, null, null);

    public void Add(long value, string first) => Add(value, first, null);

    public void Add(long value, string? first, string? second) =>
        Interlocked.Add(ref _totals.GetOrAdd((first, second), static _ => new StrongBox<long>()).Value, value);

    public IEnumerable<Measurement<long>> Observe() =>
        _totals.Select(t => new Measurement<long>(Interlocked.Read(ref t.Value.Value), Tags(t.Key)));

    private KeyValuePair<string, object?>[] Tags((string? First, string? Second) key) => tagNames.Length switch
    {
        0 => [],
        1 => [new(tagNames[0], key.First)],
        _ => [new(tagNames[0], key.First), new(tagNames[1], key.Second)],
    };
}
