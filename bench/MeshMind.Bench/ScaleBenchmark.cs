using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MeshMind.Testing;

namespace MeshMind.Bench;

/// <summary>
/// What a mesh of N real nodes costs at rest (issue 20), in a network-namespace lab (root): N nodes started together on one
/// bridge; the time to all listening and to a full mesh (from the nodes' own logs, so no request loads them meanwhile); after
/// settling, each node's idle CPU (<c>/proc/PID/stat</c>), resident memory (<c>VmRSS</c>) and control traffic (bytes its
/// <c>eth0</c> sent: discovery and links, TLS and TCP included, since only the mesh uses that interface); then a newcomer's
/// time to link to all, and a kill -9 seen down by all.
/// </summary>
internal static partial class ScaleBenchmark
{
    private const string Secret = "scale-benchmark-secret-0123456789";
    private const int Subnet = 60;

    public static async Task<int> RunAsync(string[] options)
    {
        var count = BenchArgs.Int(options, "--nodes", 10);
        var settleSeconds = BenchArgs.Int(options, "--settle-seconds", 60);
        var idleSeconds = BenchArgs.Int(options, "--idle-seconds", 60);
        var limit = TimeSpan.FromSeconds(BenchArgs.Int(options, "--limit-seconds", 600));
        // --debug-links: the nodes log every failed dial and dropped datagram, and a mesh that does not form is explained.
        Dictionary<string, string>? environment = options.Contains("--debug-links")
            ? new()
            {
                ["MESHMIND__Logging__LogLevel__MeshMind.Mesh.Links"] = "Debug",
                ["MESHMIND__Logging__LogLevel__MeshMind.Discovery"] = "Debug",
                ["MESHMIND__Logging__LogLevel__MeshMind.Mesh.Transport"] = "Debug",
                ["MESHMIND__Logging__LogLevel__MeshMind.Mesh.Admission"] = "Debug",
            }
            : null;
        if (count is < 2 or > 200)
        {
            Console.Error.WriteLine("--nodes must be 2 to 200");
            return 2;
        }

        if (await NamespaceLab.UnavailableAsync() is { } reason)
        {
            Console.Error.WriteLine($"scale benchmark unavailable: {reason}");
            return 2;
        }

        await using var lab = await NamespaceLab.CreateAsync();
        var network = await lab.AddSwitchAsync(Subnet);
        var hosts = new List<LabHost>();
        for (var i = 0; i <= count; i++)
        {
            hosts.Add(await lab.AddHostAsync(network, 10 + i));
        }

        // Started together, as a classroom's machines are switched on: each start is issued before any is awaited (the lab's
        // lists are only touched before a start's first await, on this thread).
        var clock = Stopwatch.StartNew();
        var starting = new List<Task<LabNode>>();
        for (var i = 0; i < count; i++)
        {
            starting.Add(lab.StartUnidentifiedNodeAsync(hosts[i], $"n{i + 1}", Secret, environment));
        }

        var nodes = (await Task.WhenAll(starting)).ToList();
        var healthy = clock.Elapsed;
        var meshed = await UntilAsync(() => nodes.All(n => UpLinks(n).Count >= count - 1), () => AllLinkedAsync(nodes, count - 1), limit);
        var fullMesh = clock.Elapsed;
        Console.WriteLine($"{count} nodes: all listening {healthy.TotalSeconds:F1} s after the starts; " +
            (meshed ? $"full mesh (every node's log) at {fullMesh.TotalSeconds:F1} s" : $"NO full mesh after {fullMesh.TotalSeconds:F0} s") +
            $" (links per node {nodes.Min(n => UpLinks(n).Count)}–{nodes.Max(n => UpLinks(n).Count)}); load average {LoadAverage()}");
        await DiscoverySummaryAsync(nodes);
        if (!meshed)
        {
            await ExplainAsync(nodes);
            return 1;
        }

        await Task.Delay(TimeSpan.FromSeconds(settleSeconds));
        var channelsBefore = await ChannelBytesAsync(nodes[0]);
        var cpuBefore = nodes.Select(CpuTicks).ToList();
        var bytesBefore = await Task.WhenAll(hosts.Take(count).Select(SentBytesAsync));
        var idle = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var seconds = idle.Elapsed.TotalSeconds;
        var cpu = nodes.Select((n, i) => (CpuTicks(n) - cpuBefore[i]) * 10.0 / seconds).ToList(); // clock ticks are 10 ms
        var bytesAfter = await Task.WhenAll(hosts.Take(count).Select(SentBytesAsync));
        var traffic = bytesAfter.Select((b, i) => (b - bytesBefore[i]) / seconds).ToList();
        var channelsAfter = await ChannelBytesAsync(nodes[0]);
        var rss = nodes.Select(RssMegabytes).ToList();
        var links = nodes.Select(n => UpLinks(n).Count).ToList();
        Console.WriteLine($"{count} nodes, idle {seconds:F0} s after {settleSeconds} s of settling (load average {LoadAverage()}; links per node {links.Min()}–{links.Max()}):");
        Console.WriteLine($"  idle CPU ms/s per node   median {Median(cpu):F2}  mean {cpu.Average():F2}  max {cpu.Max():F2}");
        Console.WriteLine($"  RSS MB per node          median {Median(rss):F1}  mean {rss.Average():F1}  max {rss.Max():F1}");
        Console.WriteLine($"  control bytes/s sent     median {Median(traffic):F0}  mean {traffic.Average():F0}  max {traffic.Max():F0}");
        // What the nodes' own counters say they sent (message payloads, without TLS, TCP and IP), by channel.
        foreach (var channel in new[] { "links.out", "discovery.out", "proxy.out" })
        {
            var rates = channelsAfter.Keys.Where(channelsBefore.ContainsKey)
                .Select(id => (channelsAfter[id].GetValueOrDefault(channel) - channelsBefore[id].GetValueOrDefault(channel)) / seconds).ToList();
            if (rates.Count > 0)
            {
                Console.WriteLine($"  {channel,-14} payload bytes/s per node (its counters, {rates.Count} nodes): median {Median(rates):F0}  max {rates.Max():F0}");
            }
        }

        var othersCpuBefore = nodes.Select(CpuTicks).ToList();
        var newcomer = await lab.StartUnidentifiedNodeAsync(hosts[count], $"n{count + 1}", Secret, environment);
        if (!await UntilAsync(() => UpLinks(newcomer).Count >= count && nodes.All(n => UpLinks(n).Count >= count),
            () => AllLinkedAsync([.. nodes, newcomer], count), limit))
        {
            Console.WriteLine($"{count} nodes: the newcomer did not link to all in {limit.TotalSeconds:F0} s (it has {UpLinks(newcomer).Count} links)");
            return 1;
        }

        var linkedAt = nodes.Select(n => LastUp(n)).Append(LastUp(newcomer)).Max();
        var sinceStart = Stopwatch.GetElapsedTime(newcomer.StartedAt, linkedAt);
        Console.WriteLine($"{count} nodes: a newcomer linked to all and all to it {sinceStart.TotalMilliseconds:F0} ms after its process started, " +
            $"{(sinceStart - newcomer.StartupTime).TotalMilliseconds:F0} ms after it was listening");
        // When each of its links came up (from listening), and what joining cost in CPU: the hardware-independent part of the
        // figure, since here 51 processes share two cores while on a LAN each node has its own.
        var ups = newcomer.OutputLines.Where(l => LinkLine().Match(l.Line) is { Success: true } m && m.Groups["state"].Value == "up")
            .Select(l => (Stopwatch.GetElapsedTime(newcomer.StartedAt, l.Timestamp) - newcomer.StartupTime).TotalMilliseconds).Order().ToList();
        var othersCpu = nodes.Select((n, i) => (CpuTicks(n) - othersCpuBefore[i]) * 10.0).ToList();
        var byDialer = newcomer.OutputLines.Select(l => LinkLine().Match(l.Line)).Where(m => m.Success && m.Groups["state"].Value == "up")
            .GroupBy(m => m.Groups["dialer"].Value).Select(g => $"{g.Count()} dialled by {g.Key}");
        Console.WriteLine($"  its links: {string.Join(", ", byDialer)}; up after listening (ms): {string.Join(' ', ups.Select(u => u.ToString("F0", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"  its links up after listening: first {ups.FirstOrDefault():F0} ms, 10th {ups.ElementAtOrDefault(9):F0}, 25th {ups.ElementAtOrDefault(24):F0}, " +
            $"last {ups.LastOrDefault():F0} ms; CPU: the newcomer {CpuTicks(newcomer) * 10.0:F0} ms from its start, each other node median " +
            $"{Median(othersCpu):F0} ms (max {othersCpu.Max():F0}) meanwhile; load average {LoadAverage()}");
        foreach (var group in newcomer.OutputLines.Select(l => l.Line).Where(l => l.Contains("Could not link", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l, @"[0-9a-f]{12}|\d+\.\d+\.\d+\.\d+:\d+|\d+(\.\d+)?", "#")).GroupBy(l => l).OrderByDescending(g => g.Count()).Take(5))
        {
            Console.WriteLine($"    {group.Count(),5} × {group.Key.Trim()}");
        }

        var killedAt = Stopwatch.GetTimestamp();
        await newcomer.KillAsync();
        if (!await UntilAsync(() => nodes.All(n => UpLinks(n).Count < count), () => Task.FromResult(false), limit))
        {
            Console.WriteLine($"{count} nodes: the killed newcomer was not seen down by all in {limit.TotalSeconds:F0} s");
            return 1;
        }

        var seenDown = nodes.Select(n => LastDown(n)).Max();
        Console.WriteLine($"{count} nodes: kill -9 of the newcomer seen down by all {Stopwatch.GetElapsedTime(killedAt, seenDown).TotalMilliseconds:F0} ms after");
        return 0;
    }

    /// <summary>Each node's network counters by channel (<c>/api/resources</c> asks every linked peer), by node id.</summary>
    private static async Task<Dictionary<string, Dictionary<string, long>>> ChannelBytesAsync(LabNode node)
    {
        var result = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var resources = await node.GetJsonAsync("/api/resources");
        if (resources is null)
        {
            Console.WriteLine($"  ({node.Name}: /api/resources did not answer)");
        }
        else
        {
            foreach (var entry in resources.Value.GetProperty("nodes").EnumerateArray())
            {
                result[entry.GetProperty("node_id").GetString()!] = entry.GetProperty("network_bytes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            }
        }

        return result;
    }

    /// <summary>How many discovery datagrams from other nodes each node received, and how many of those it dropped.</summary>
    private static async Task DiscoverySummaryAsync(List<LabNode> nodes)
    {
        var heard = new List<double>();
        var sent = new List<double>();
        foreach (var node in nodes)
        {
            await node.IdentifyAsync();
            if (await node.GetJsonAsync("/api/discovery") is { } stats)
            {
                var own = stats.GetProperty("dropped").GetProperty("Own").GetInt64();
                heard.Add(stats.GetProperty("received").GetInt64() - own);
                sent.Add(stats.GetProperty("sent").GetInt64());
            }
        }

        Console.WriteLine($"  discovery datagrams per node: sent median {Median(sent):F0}; received from others min {heard.Min():F0} median {Median(heard):F0} max {heard.Max():F0}" +
            $" (all sent, to every node: {sent.Sum():F0})");
    }

    /// <summary>Why a mesh did not form: for the nodes with the fewest links, what discovery heard and dropped, and what dialling met.</summary>
    private static async Task ExplainAsync(List<LabNode> nodes)
    {
        foreach (var node in nodes.OrderBy(n => UpLinks(n).Count).Take(4))
        {
            await node.IdentifyAsync();
            var discovery = await node.GetJsonAsync("/api/discovery");
            var peers = await node.GetJsonAsync("/api/peers");
            var known = peers is { ValueKind: JsonValueKind.Array } list ? list.GetArrayLength() : -1;
            Console.WriteLine($"  {node.Name}: {UpLinks(node).Count} links in its log, {known} peers known; discovery {discovery}");
            var lines = node.OutputLines.Select(l => l.Line).ToList();
            foreach (var group in lines.Where(l => l.Contains("Could not link", StringComparison.Ordinal) || l.Contains("Dropped", StringComparison.Ordinal))
                .Select(l => Regex.Replace(l, @"[0-9a-f]{12}|\d+\.\d+\.\d+\.\d+:\d+|\d+(\.\d+)?", "#"))
                .GroupBy(l => l).OrderByDescending(g => g.Count()).Take(8))
            {
                Console.WriteLine($"    {group.Count(),5} × {group.Key.Trim()}");
            }

            // The other side of a link that never came up: what a node it lacks said about it.
            var up = UpLinks(node);
            foreach (var other in nodes.Where(o => o != node && o.NodeId is { } id && !up.Contains(id[..12])).Take(2))
            {
                var id = node.NodeId is { } nodeId ? nodeId[..12] : "?";
                var about = other.OutputLines.Select(l => l.Line)
                    .Where(l => l.Contains(id, StringComparison.Ordinal) || Regex.IsMatch(l, $@"\b{Regex.Escape(node.Host.Address)}\b"))
                    .Select(l => Regex.Replace(l, @"[0-9a-f]{12}|\d+\.\d+\.\d+\.\d+(:\d+)?|\d+(\.\d+)?", "#"))
                    .GroupBy(l => l).OrderByDescending(g => g.Count()).Take(8).ToList();
                // And what each side's API says of the other (its peer directory's link state), which the logs may not.
                var mine = other.NodeId is { } otherId && await node.LinkStatesAsync() is { } states ? states.GetValueOrDefault(otherId, "unknown") : "?";
                var theirs = node.NodeId is { } ownId && await other.LinkStatesAsync() is { } others ? others.GetValueOrDefault(ownId, "unknown") : "?";
                Console.WriteLine($"    not linked to {other.Name} ({other.Host.Address}) by its log; APIs: {node.Name} says {mine}, {other.Name} says {theirs}; its log about {node.Name}: {(about.Count == 0 ? "nothing" : "")}");
                foreach (var group in about)
                {
                    Console.WriteLine($"      {group.Count(),5} × {group.Key.Trim()}");
                }
            }
        }
    }

    /// <summary>The 12-character ids of the peers the node's log last said are up.</summary>
    private static HashSet<string> UpLinks(LabNode node)
    {
        var up = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, line) in node.OutputLines)
        {
            if (LinkLine().Match(line) is { Success: true } match)
            {
                _ = match.Groups["state"].Value == "up" ? up.Add(match.Groups["id"].Value) : up.Remove(match.Groups["id"].Value);
            }
        }

        return up;
    }

    private static long LastUp(LabNode node) => node.OutputLines.Where(l => LinkLine().Match(l.Line) is { Success: true } m && m.Groups["state"].Value == "up")
        .Select(l => l.Timestamp).DefaultIfEmpty().Max();

    private static long LastDown(LabNode node) => node.OutputLines.Where(l => LinkLine().Match(l.Line) is { Success: true } m && m.Groups["state"].Value == "down")
        .Select(l => l.Timestamp).DefaultIfEmpty().Max();

    [GeneratedRegex(@"Link to (?<id>[0-9a-f]{12}) is (?<state>up|down)( \(dialled by (?<dialer>[a-z ]+)\))?")]
    private static partial Regex LinkLine();

    private static long CpuTicks(LabNode node)
    {
        // Fields 14 and 15 (utime, stime) after the command name, which is in parentheses.
        var stat = File.ReadAllText($"/proc/{node.ProcessId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static double RssMegabytes(LabNode node)
    {
        var line = File.ReadLines($"/proc/{node.ProcessId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1000.0; // kB
    }

    /// <summary>Bytes sent on the host's eth0 (only the mesh uses it: the bench reaches nodes on their own loopback).</summary>
    private static async Task<long> SentBytesAsync(LabHost host)
    {
        var (code, output, error) = await Command.RunAsync("ip", ["-n", host.Namespace, "-s", "-j", "link", "show", "eth0"]);
        if (code != 0)
        {
            throw new InvalidOperationException($"ip -s link failed: {error}");
        }

        using var json = JsonDocument.Parse(output);
        return json.RootElement[0].GetProperty("stats64").GetProperty("tx").GetProperty("bytes").GetInt64();
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// Waits for the condition, read from the nodes' logs every 20 ms, or confirmed by their APIs every 5 s (at 30 nodes
    /// and more, under load, a node's log once missed a link its API listed); false when neither came within the limit.
    /// </summary>
    private static async Task<bool> UntilAsync(Func<bool> fromLogs, Func<Task<bool>> fromApis, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var asked = Stopwatch.StartNew();
        while (!fromLogs())
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            if (asked.Elapsed > TimeSpan.FromSeconds(5))
            {
                if (await fromApis())
                {
                    Console.WriteLine($"  (confirmed by the nodes' APIs at {clock.Elapsed.TotalSeconds:F0} s, not by their logs)");
                    return true;
                }

                asked.Restart();
            }

            await Task.Delay(20);
        }

        return true;
    }

    private static async Task<bool> AllLinkedAsync(List<LabNode> nodes, int links)
    {
        var counts = await Task.WhenAll(nodes.Select(async n => (await n.LinkStatesAsync())?.Values.Count(s => s == "up") ?? 0));
        return counts.All(c => c >= links);
    }
}
