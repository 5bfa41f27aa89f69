using System.Runtime.InteropServices;
using HdrHistogram;
using MeshMind.Lab.Lab;

namespace MeshMind.Lab.Eval;

internal sealed partial class EvalRunner
{
    private EvalResults Results(DateTimeOffset started, string? failure)
    {
        var operations = _operations.OrderBy(o => o.T).ToList();
        var samples = _samples.OrderBy(s => s.T).ToList();
        var events = _events.ToList();
        if (_options.Lab is { } labFile)
        {
            // The lab's own record: its scenario's kills, the exits and restarts (of eval's kills too), during this run.
            var from = started.ToUnixTimeMilliseconds();
            events.AddRange(LabEvent.ReadAll(Path.GetDirectoryName(Path.GetFullPath(labFile))!)
                .Where(e => e.T >= from && e.Kind != "linked" && !(e.Kind == "kill" && events.Any(k => k.Node == e.Node && Math.Abs(k.T - e.T) < 1000))));
        }

        events = [.. events.OrderBy(e => e.T)];
        var idleSeconds = Math.Clamp(_options.Duration.TotalSeconds / 6, 2, 10);
        var config = new EvalConfig($"meshmind-lab {typeof(EvalRunner).Assembly.GetName().Version}", RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription, Environment.ProcessorCount, _targets.Count > 0 ? $"{Entry.Name} {Entry.Url}" : _options.Node ?? "",
            [.. _targets.Select(t => $"{t.Name} {t.Url}{(t.HasLlm ? " (LLM host)" : "")}")], _options.Lab, _options.Churn, _options.Duration.TotalSeconds, idleSeconds,
            _options.Chats, _model, ProbeBytes, [.. _versions]);
        return new EvalResults(started, _t0, DateTimeOffset.UtcNow, failure is null, failure, [.. _notes], config,
            LatencyOf(operations), AvailabilityOf(operations, events), BandwidthOf(samples, operations), ResourcesOf(samples), CountersOf(samples, operations));
    }

    private static LatencyStats Stats(IEnumerable<double> milliseconds)
    {
        var values = milliseconds.Order().ToList();
        if (values.Count == 0)
        {
            return new LatencyStats(0, 0, 0, 0, 0, 0);
        }

        // Microseconds, 3 significant digits, up to an hour.
        var histogram = new LongHistogram(3_600_000_000L, 3);
        foreach (var value in values)
        {
            histogram.RecordValue(Math.Max(1, (long)(value * 1000)));
        }

        double At(double percentile) => histogram.GetValueAtPercentile(percentile) / 1000.0;
        return new LatencyStats(values.Count, At(50), At(95), At(99), histogram.GetMaxValue() / 1000.0, values.Average())
        {
            Cdf = values.Count <= 500 ? values : [.. Enumerable.Range(0, 500).Select(i => values[(int)((long)i * (values.Count - 1) / 499)])],
        };
    }

    private static LatencySection LatencyOf(List<Operation> operations)
    {
        var ok = operations.Where(o => o.Ok).ToList();
        var chats = ok.Where(o => o.Kind == "chat").ToList();
        var paths = new Dictionary<string, LatencyStats>
        {
            ["files"] = Stats(ok.Where(o => o.Kind == "files").Select(o => o.Ms)),
            ["proxy"] = Stats(ok.Where(o => o.Kind == "proxy").Select(o => o.Ms)),
            ["chat_ttft"] = Stats(chats.Where(o => o.TtftMs is not null).Select(o => o.TtftMs!.Value)),
            ["chat_total"] = Stats(chats.Select(o => o.Ms)),
        };
        var hosts = chats.GroupBy(o => o.Host ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new HostStats(g.Key, g.Count(),
            Stats(g.Where(o => o.TtftMs is not null).Select(o => o.TtftMs!.Value)), Stats(g.Select(o => o.Ms)),
            g.Where(o => o.TokensPerSecond is not null).Select(o => o.TokensPerSecond!.Value).DefaultIfEmpty(0).Average())).ToList();
        return new LatencySection(paths, hosts);
    }

    private static AvailabilitySection AvailabilityOf(List<Operation> operations, List<LabEvent> events)
    {
        static KindAvailability Of(IEnumerable<Operation> ops)
        {
            var list = ops.ToList();
            var ok = list.Count(o => o.Ok);
            return new KindAvailability(ok, list.Count, list.Count == 0 ? 1 : (double)ok / list.Count);
        }

        var paths = operations.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => Of(g));
        var recoveries = new List<Recovery>();
        foreach (var kill in events.Where(e => e.Kind == "kill"))
        {
            foreach (var path in paths.Keys.Order(StringComparer.Ordinal))
            {
                // A proxied download measures the killed node only when it holds the probe: the others' probes stay up.
                var after = operations.Where(o => o.Kind == path && o.T >= kill.T && (path != "proxy" || o.Target == kill.Node)).ToList();
                var failure = after.FirstOrDefault(o => !o.Ok);
                var next = failure is null ? null : after.FirstOrDefault(o => o.Ok && o.T > failure.T);
                recoveries.Add(new Recovery(kill.T, kill.Node, path, failure?.T,
                    failure is null ? 0 : next is null ? null : next.T + next.Ms - kill.T, failure is null || next is not null));
            }
        }

        var timeline = operations.GroupBy(o => o.T / 1000 * 1000).OrderBy(g => g.Key)
            .Select(g => new SecondPoint(g.Key, g.Count(o => o.Ok), g.Count(), [.. g.Where(o => o is { Kind: "chat", Ok: true, Host: not null }).Select(o => o.Host!).Distinct()]))
            .ToList();
        return new AvailabilitySection(Of(operations), paths, events, recoveries, timeline);
    }

    /// <summary>Per-second rates between consecutive samples of the same node; a counter that went down (a restart) gives no rate.</summary>
    private static IEnumerable<(NodeSample Before, NodeSample After, double Seconds)> Intervals(List<NodeSample> samples) =>
        samples.Where(s => s.Up).GroupBy(s => s.Node).SelectMany(g =>
        {
            var list = g.OrderBy(s => s.T).ToList();
            return list.Zip(list.Skip(1), (a, b) => (a, b, (b.T - a.T) / 1000.0))
                .Where(x => x.Item3 > 0.2 && x.b.CpuSeconds >= x.a.CpuSeconds);
        });

    private static BandwidthSection BandwidthOf(List<NodeSample> samples, List<Operation> operations)
    {
        var intervals = Intervals(samples).ToList();
        Dictionary<string, double> Rates(IEnumerable<(NodeSample Before, NodeSample After, double Seconds)> of)
        {
            var list = of.ToList();
            var seconds = list.Sum(x => x.Seconds);
            return list.SelectMany(x => x.After.Channels.Keys).Distinct().Order(StringComparer.Ordinal).ToDictionary(c => c,
                c => seconds == 0 ? 0 : list.Sum(x => Math.Max(0, x.After.Channels.GetValueOrDefault(c) - x.Before.Channels.GetValueOrDefault(c))) / seconds);
        }

        var nodes = intervals.GroupBy(x => x.After.Node).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new NodeBandwidth(g.Key, Rates(g.Where(x => x.After.Phase == "idle")), Rates(g.Where(x => x.After.Phase == "load")))).ToList();
        // Mesh-wide bytes per second by channel, each second, summed over the nodes (a byte sent and received counts on both ends).
        var timeline = intervals.GroupBy(x => x.After.T / 1000 * 1000).OrderBy(g => g.Key).Select(g => new BandwidthPoint(g.Key,
            g.SelectMany(x => x.After.Channels.Keys).Distinct().Order(StringComparer.Ordinal).ToDictionary(c => c,
                c => g.Sum(x => Math.Max(0, x.After.Channels.GetValueOrDefault(c) - x.Before.Channels.GetValueOrDefault(c)) / x.Seconds)))).ToList();
        var proxy = operations.Where(o => o is { Kind: "proxy", Ok: true }).ToList();
        var proxySeconds = proxy.Sum(o => o.Ms) / 1000;
        return new BandwidthSection(nodes, proxySeconds == 0 ? 0 : proxy.Count * (double)ProbeBytes / proxySeconds, timeline);
    }

    private static ResourcesSection ResourcesOf(List<NodeSample> samples)
    {
        var intervals = Intervals(samples).ToList();
        var timeline = intervals.Select(x => new ResourcePoint(x.After.T, x.After.Node,
            (x.After.CpuSeconds - x.Before.CpuSeconds) / x.Seconds * 100, x.After.WorkingSetBytes / 1048576)).OrderBy(p => p.T).ToList();
        var nodes = samples.Where(s => s.Up).Select(s => s.Node).Distinct().Order(StringComparer.Ordinal).Select(node =>
        {
            double Cpu(string phase) => intervals.Where(x => x.After.Node == node && x.After.Phase == phase).Select(x => (x.After.CpuSeconds - x.Before.CpuSeconds) / x.Seconds * 100).DefaultIfEmpty(0).Average();
            double Memory(string phase) => samples.Where(s => s.Up && s.Node == node && s.Phase == phase).Select(s => s.WorkingSetBytes / 1048576).DefaultIfEmpty(0).Average();
            return new NodeResources(node, Cpu("idle"), Cpu("load"), Memory("idle"), Memory("load"),
                samples.Where(s => s.Up && s.Node == node).Max(s => s.WorkingSetBytes) / 1048576);
        }).ToList();
        return new ResourcesSection(nodes, timeline);
    }

    /// <summary>The entry node never leaves the run: its counters over the load phase against what eval counted through it.</summary>
    private List<CounterCheck> CountersOf(List<NodeSample> samples, List<Operation> operations)
    {
        if (_targets.Count == 0)
        {
            return [];
        }

        var entry = samples.Where(s => s.Up && s.Node == Entry.Name).ToList();
        var before = entry.LastOrDefault(s => s.Phase == "idle");
        var after = entry.LastOrDefault(s => s.Phase == "load");
        if (before is null || after is null)
        {
            return [];
        }

        int Count(string kind) => operations.Count(o => o.Kind == kind && o.Ok);
        return
        [
            new CounterCheck("files listed (GET /api/files answered 200)", Count("files"), after.FilesListed - before.FilesListed,
                "eval's successful listings against the entry's http.server.request.duration count for the route"),
            new CounterCheck("proxied bytes", Count("proxy") * (double)ProbeBytes, after.ProxiedBytes - before.ProxiedBytes,
                "complete probe downloads × probe size against the entry's meshmind.files.bytes{operation=proxied}; a download cut off by a kill counts on the node only"),
            new CounterCheck("chats answered", Count("chat"), after.ChatsOk - before.ChatsOk,
                "eval's complete chats against the entry's meshmind.chats{outcome=ok}"),
        ];
    }
}
