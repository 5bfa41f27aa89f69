using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MeshMind.Testing;

namespace MeshMind.Bench;

/// <summary>
/// Mesh timings on real processes in a network-namespace lab (root): full mesh after the last start, kill -9 seen,
/// silent link loss seen, and idle discovery bytes per node. Traffic stays inside the lab's namespaces.
/// </summary>
internal static partial class MeshBenchmark
{
    private const string Secret = "mesh-benchmark-secret-0123456789";
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(string[] options)
    {
        var hosts = BenchArgs.Int(options, "--hosts", 5);
        var idleSeconds = BenchArgs.Int(options, "--idle-seconds", 60);
        if (await NamespaceLab.UnavailableAsync() is { } reason)
        {
            Console.Error.WriteLine($"mesh benchmark unavailable: {reason}");
            return 2;
        }

        await using var lab = await NamespaceLab.CreateAsync();
        var network = await lab.AddSwitchAsync(40 + hosts);
        var nodes = new List<LabNode>();
        for (var i = 1; i < hosts; i++)
        {
            nodes.Add(await lab.StartNodeAsync(await lab.AddHostAsync(network, 10 + i), $"n{i}", Secret));
        }

        await UntilAsync(() => FullMeshAsync(nodes), "the first nodes to link");
        // A mesh that has just formed keeps both cores busy for a few seconds (its nodes' first exchanges, tier-1 JIT). The
        // newcomer joins a settled mesh, as a node started later on a real LAN would: wait until the others are idle.
        var settled = await UntilIdleAsync(nodes);
        var lastHost = await lab.AddHostAsync(network, 10 + hosts);
        var clock = Stopwatch.StartNew();
        var last = await lab.StartUnidentifiedNodeAsync(lastHost, $"n{hosts}", Secret);
        nodes.Add(last);
        // The newcomer's links are timed from its own log ("Link to X is up", read as the lines arrive), so no request
        // polls the node while it joins; its API then confirms them, and every other node's view is checked.
        var others = nodes[..^1];
        await UntilAsync(() => Task.FromResult(LinkedAt(last, others) is not null), "the last node to log a link to every other");
        var newcomerLinked = Stopwatch.GetElapsedTime(last.StartedAt, LinkedAt(last, others)!.Value);
        await last.IdentifyAsync();
        await UntilAsync(() => Task.FromResult(others.All(o => LinkedAt(o, [last]) is not null)), "every other node to log its link to the last");
        var meshLinked = Stopwatch.GetElapsedTime(last.StartedAt, others.Select(o => LinkedAt(o, [last])!.Value).Append(LinkedAt(last, others)!.Value).Max());
        await UntilAsync(() => AllSeeAsync([last], others, "up"), "the last node to report every link up");
        var confirmed = clock.Elapsed;
        await UntilAsync(() => FullMeshAsync(nodes), "a full mesh");
        var fullMesh = clock.Elapsed;
        Console.WriteLine($"{hosts} hosts: last node linked to all {hosts - 1} others {newcomerLinked.TotalMilliseconds:F0} ms after its process started " +
            $"(its own start-up to listening took {last.StartupTime.TotalMilliseconds:F0} ms; the others were idle after {settled.TotalSeconds:F1} s); " +
            $"full mesh (every node's log) at {meshLinked.TotalMilliseconds:F0} ms; confirmed by the APIs at {confirmed.TotalMilliseconds:F0} ms " +
            $"(the last node's) and {fullMesh.TotalMilliseconds:F0} ms (every node's)");

        var before = await DiscoveryBytesOutAsync(nodes);
        var idle = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var after = await DiscoveryBytesOutAsync(nodes);
        var perNode = (after - before) / idle.Elapsed.TotalSeconds / nodes.Count;
        Console.WriteLine($"{hosts} hosts: idle discovery {perNode:F1} bytes/s sent per node (over {idle.Elapsed.TotalSeconds:F0} s)");

        var victim = nodes[^1];
        clock.Restart();
        await victim.KillAsync();
        await UntilAsync(() => NoneSeeUpAsync(others, victim), "the killed node to be marked down");
        Console.WriteLine($"{hosts} hosts: kill -9 seen as down by every peer after {clock.Elapsed.TotalMilliseconds:F0} ms");

        await victim.StartAsync();
        await UntilAsync(() => FullMeshAsync(nodes), "the restarted node to link again");
        clock.Restart();
        await NamespaceLab.SetLinkAsync(victim.Host, up: false);
        await UntilAsync(() => NoneSeeUpAsync(others, victim), "the cut-off node to be marked down");
        Console.WriteLine($"{hosts} hosts: silent link loss seen as down by every peer after {clock.Elapsed.TotalMilliseconds:F0} ms");
        return 0;
    }

    /// <summary>When the node's log showed a link up to every one of <paramref name="peers"/> (the last of those lines), or null.</summary>
    private static long? LinkedAt(LabNode node, List<LabNode> peers)
    {
        var up = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (timestamp, line) in node.OutputLines)
        {
            if (LinkLine().Match(line) is { Success: true } match)
            {
                if (match.Groups["state"].Value == "up")
                {
                    up[match.Groups["id"].Value] = timestamp;
                }
                else
                {
                    up.Remove(match.Groups["id"].Value);
                }
            }
        }

        long? last = null;
        foreach (var peer in peers)
        {
            if (!up.TryGetValue(peer.NodeId![..12], out var at))
            {
                return null;
            }

            last = Math.Max(last ?? at, at);
        }

        return last;
    }

    [GeneratedRegex(@"Link to (?<id>[0-9a-f]{12}) is (?<state>up|down)")]
    private static partial Regex LinkLine();

    /// <summary>Waits until the nodes' processes together use under 5 % of one core over half a second (at most 30 s).</summary>
    private static async Task<TimeSpan> UntilIdleAsync(List<LabNode> nodes)
    {
        var clock = Stopwatch.StartNew();
        var before = CpuTicks(nodes);
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(500);
            var now = CpuTicks(nodes);
            // /proc/PID/stat counts in clock ticks of 10 ms: 2 ticks in 500 ms is 4 % of one core.
            if (now - before <= 2)
            {
                break;
            }

            before = now;
        }

        return clock.Elapsed;
    }

    private static long CpuTicks(List<LabNode> nodes)
    {
        long total = 0;
        foreach (var node in nodes)
        {
            try
            {
                // Fields 14 and 15 (utime, stime) after the command name, which is in parentheses.
                var stat = File.ReadAllText($"/proc/{node.ProcessId}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process is gone; it uses nothing.
            }
        }

        return total;
    }

    private static async Task<bool> FullMeshAsync(List<LabNode> nodes)
    {
        var results = await Task.WhenAll(nodes.Select(async node =>
        {
            var links = await node.LinkStatesAsync();
            return links is not null && nodes.Where(n => n != node).All(o => links.TryGetValue(o.NodeId!, out var s) && s == "up");
        }));
        return results.All(r => r);
    }

    /// <summary>Every observer has dropped the subject: "down", or "connecting" while it tries to reconnect.</summary>
    private static async Task<bool> NoneSeeUpAsync(List<LabNode> observers, LabNode subject)
    {
        var results = await Task.WhenAll(observers.Select(async node =>
            (await node.LinkStatesAsync())?.TryGetValue(subject.NodeId!, out var s) == true && s != "up"));
        return results.All(r => r);
    }

    private static async Task<bool> AllSeeAsync(List<LabNode> observers, List<LabNode> subjects, string state)
    {
        var results = await Task.WhenAll(observers.Select(async node =>
        {
            var links = await node.LinkStatesAsync();
            return links is not null && subjects.All(subject => links.TryGetValue(subject.NodeId!, out var s) && s == state);
        }));
        return results.All(r => r);
    }

    private static async Task<long> DiscoveryBytesOutAsync(List<LabNode> nodes)
    {
        long total = 0;
        foreach (var node in nodes)
        {
            total += (await node.GetJsonAsync("/api/discovery"))?.GetProperty("bytes_out").GetInt64() ?? 0;
        }

        return total;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > s_limit)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }
}
