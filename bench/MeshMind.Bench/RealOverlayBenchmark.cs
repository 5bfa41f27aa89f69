using System.Diagnostics;
using MeshMind.Mesh.Links;
using MeshMind.Testing.Overlay;

namespace MeshMind.Bench;

/// <summary>
/// <c>overlay --real</c> (issue 20): the node's own link code — <see cref="LinkManager"/>, <see cref="MeshLinks"/>,
/// <see cref="Link"/>, <see cref="LinkCodec"/>, <c>PeerDirectory</c>, <c>StaticPeers</c>, with <c>Mesh:MaxLinks</c> — for N nodes in
/// one process over an in-memory transport (<see cref="InMemoryMesh"/>: no TLS, no HTTP, no network latency; admission is
/// recorded as the join records it). Node i knows one static peer, a random node added before it, so the mesh can only form
/// through peer exchange and, past the degree, refusals' samples. Measured in real time: how long until the mesh is formed
/// (full mesh: every node linked to all; with a degree: every node has dialled its links and the overlay is connected), the
/// link messages each node sends per second at rest (pings, pongs, hellos, peer exchanges: counted on the WebSockets), and
/// how many hops a chat needs from each node to the nearest of the LLM hosts (a random <c>--host-percent</c> of the nodes).
/// </summary>
internal static class RealOverlayBenchmark
{
    public static async Task<int> RunAsync(string[] options)
    {
        var sizes = BenchArgs.Ints(options, "--nodes", [500, 2000]);
        var maxLinks = BenchArgs.Int(options, "--max-links", 8);
        var pingSeconds = BenchArgs.Int(options, "--ping-seconds", 5);
        var hostPercent = BenchArgs.Int(options, "--host-percent", 5);
        var windowSeconds = BenchArgs.Int(options, "--window", 30);
        var settleSeconds = BenchArgs.Int(options, "--settle", 30);
        var timeoutSeconds = BenchArgs.Int(options, "--timeout", 600);
        var seed = BenchArgs.Int(options, "--seed", 20);
        Console.WriteLine($"real link code over an in-memory transport; Mesh:MaxLinks {maxLinks} (0: full mesh), accepting up to {LinkManager.AcceptFactor} × as many; " +
            $"pings every {pingSeconds} s; {hostPercent} % of nodes are LLM hosts; messages counted over {windowSeconds} s at rest, {settleSeconds} s after it formed; seed {seed}; {Environment.ProcessorCount} cores");
        Console.WriteLine("| nodes | Mesh:MaxLinks | formed after (s) | links per node mean / max | link messages sent per node per s at rest | link bytes sent per node per s | " +
            "chat to nearest host: direct / 1 relay / 2+ relays | managed heap, process memory (MB) |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            var row = await SimulateAsync(size, maxLinks, TimeSpan.FromSeconds(pingSeconds), hostPercent, TimeSpan.FromSeconds(windowSeconds),
                TimeSpan.FromSeconds(settleSeconds), TimeSpan.FromSeconds(timeoutSeconds), new Random(seed));
            Console.WriteLine(row);
        }

        return 0;
    }

    private static async Task<string> SimulateAsync(int size, int maxLinks, TimeSpan ping, int hostPercent, TimeSpan window, TimeSpan settle, TimeSpan timeout, Random random)
    {
        await using var mesh = new InMemoryMesh(ping, maxLinks);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < size; i++)
        {
            mesh.Add(i == 0 ? null : mesh.Nodes[random.Next(i)]);
        }

        Console.Error.WriteLine($"  {size} nodes: identities and link layers made in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        await Task.WhenAll(mesh.Nodes.Select(n => n.StartAsync(CancellationToken.None)));
        var formed = false;
        var lastReport = TimeSpan.Zero;
        while (clock.Elapsed < timeout)
        {
            formed = maxLinks <= 0
                ? mesh.Nodes.All(n => n.Links.Count == size - 1)
                : mesh.Nodes.All(n => n.Links.CountByDialler().Dialled >= Math.Min(maxLinks, size - 1)) && Components(mesh) == 1;
            if (formed)
            {
                break;
            }

            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                Console.Error.WriteLine($"  {clock.Elapsed.TotalSeconds:F0} s: links {mesh.Nodes.Sum(n => n.Links.Count) / 2}, fewest per node {mesh.Nodes.Min(n => n.Links.Count)}, " +
                    $"components {Components(mesh)}, memory {Environment.WorkingSet / 1e6:F0} MB");
            }

            await Task.Delay(250);
        }

        var formedAfter = clock.Elapsed;
        Console.Error.WriteLine($"  {(formed ? "formed" : "NOT formed")} after {formedAfter.TotalSeconds:F1} s");

        // At rest: let the peer exchanges of the forming drain (in a full mesh every link's coming up is told to every link, N³
        // messages), then count what every node sends over a window.
        await Task.Delay(settle);
        var messagesBefore = mesh.Nodes.Sum(n => n.MessagesSent);
        var bytesBefore = mesh.Nodes.Sum(n => n.Links.Traffic().Out);
        var windowClock = Stopwatch.StartNew();
        await Task.Delay(window);
        var seconds = windowClock.Elapsed.TotalSeconds;
        var messages = (mesh.Nodes.Sum(n => n.MessagesSent) - messagesBefore) / seconds / size;
        var bytes = (mesh.Nodes.Sum(n => n.Links.Traffic().Out) - bytesBefore) / seconds / size;

        // Hops from each node to the nearest host over the link graph (BFS from all hosts at once).
        var hosts = Enumerable.Range(0, size).OrderBy(_ => random.Next()).Take(Math.Max(1, size * hostPercent / 100)).ToList();
        var distance = HopsToNearest(mesh, hosts);
        var direct = distance.Count(d => d is >= 0 and <= 1);
        var oneRelay = distance.Count(d => d == 2);
        var more = distance.Count(d => d is > 2 or < 0);
        GC.Collect();
        var heap = GC.GetTotalMemory(forceFullCollection: true) / 1e6;
        var process = Environment.WorkingSet / 1e6;
        var degrees = mesh.Nodes.Select(n => n.Links.Count).ToList();
        Console.Error.WriteLine($"  unreachable from every host: {distance.Count(d => d < 0)}; farthest: {distance.Max()} hops");
        return $"| {size:N0} | {(maxLinks <= 0 ? "0 (full mesh)" : maxLinks)} | {(formed ? "" : "not within ")}{formedAfter.TotalSeconds:F1} | {degrees.Average():F1} / {degrees.Max()} | " +
            $"{messages:F2} | {bytes:F0} | {Percent(direct, size)} / {Percent(oneRelay, size)} / {Percent(more, size)} | {heap:F0}, {process:F0} |";
    }

    private static string Percent(int count, int size) => $"{100.0 * count / size:F1} %";

    private static int[] HopsToNearest(InMemoryMesh mesh, IReadOnlyList<int> origins)
    {
        var index = mesh.Nodes.Select((n, i) => (n.NodeId, i)).ToDictionary(p => p.NodeId, p => p.i);
        var distance = Enumerable.Repeat(-1, mesh.Nodes.Count).ToArray();
        var queue = new Queue<int>();
        foreach (var origin in origins)
        {
            distance[origin] = 0;
            queue.Enqueue(origin);
        }

        while (queue.TryDequeue(out var node))
        {
            foreach (var link in mesh.Nodes[node].Links.All())
            {
                if (index.TryGetValue(link.RemoteNodeId, out var next) && distance[next] < 0)
                {
                    distance[next] = distance[node] + 1;
                    queue.Enqueue(next);
                }
            }
        }

        return distance;
    }

    private static int Components(InMemoryMesh mesh)
    {
        var index = mesh.Nodes.Select((n, i) => (n.NodeId, i)).ToDictionary(p => p.NodeId, p => p.i);
        var seen = new bool[mesh.Nodes.Count];
        var components = 0;
        for (var start = 0; start < seen.Length; start++)
        {
            if (seen[start])
            {
                continue;
            }

            components++;
            seen[start] = true;
            var queue = new Queue<int>([start]);
            while (queue.TryDequeue(out var node))
            {
                foreach (var link in mesh.Nodes[node].Links.All())
                {
                    if (index.TryGetValue(link.RemoteNodeId, out var next) && !seen[next])
                    {
                        seen[next] = true;
                        queue.Enqueue(next);
                    }
                }
            }
        }

        return components;
    }
}
