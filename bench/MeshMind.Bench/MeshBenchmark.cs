using System.Diagnostics;
using MeshMind.Testing;

namespace MeshMind.Bench;

/// <summary>
/// Mesh timings on real processes in a network-namespace lab (root): full mesh after the last start, kill -9 seen,
/// silent link loss seen, and idle discovery bytes per node. Traffic stays inside the lab's namespaces.
/// </summary>
internal static class MeshBenchmark
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
        var lastHost = await lab.AddHostAsync(network, 10 + hosts);
        var clock = Stopwatch.StartNew();
        var last = await lab.StartNodeAsync(lastHost, $"n{hosts}", Secret);
        nodes.Add(last);
        // Poll only the newcomer while it joins: polling every node (a curl per node per round) would steal the CPU the
        // starting node needs on a small machine. Its links are the ones both sides share, so the others are then checked.
        await UntilAsync(() => AllSeeAsync([last], nodes[..^1], "up"), "the last node to link to every other");
        var newcomerLinked = clock.Elapsed;
        await UntilAsync(() => FullMeshAsync(nodes), "a full mesh");
        var fullMesh = clock.Elapsed;
        Console.WriteLine($"{hosts} hosts: last node linked to all {hosts - 1} others {newcomerLinked.TotalMilliseconds:F0} ms after its process started " +
            $"(its own start-up to listening took {last.StartupTime.TotalMilliseconds:F0} ms); full mesh confirmed at {fullMesh.TotalMilliseconds:F0} ms");

        var before = await DiscoveryBytesOutAsync(nodes);
        var idle = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var after = await DiscoveryBytesOutAsync(nodes);
        var perNode = (after - before) / idle.Elapsed.TotalSeconds / nodes.Count;
        Console.WriteLine($"{hosts} hosts: idle discovery {perNode:F1} bytes/s sent per node (over {idle.Elapsed.TotalSeconds:F0} s)");

        var victim = nodes[^1];
        var others = nodes[..^1];
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
