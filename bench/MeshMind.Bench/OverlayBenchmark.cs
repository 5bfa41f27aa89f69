using System.Collections;
using System.Diagnostics;

namespace MeshMind.Bench;

/// <summary>
/// A model of the bounded-degree overlay that README's "Past a full mesh" designs (issue 20), for meshes too large to run
/// as processes here: rounds of the protocol on N simulated nodes, in one process. It is a model, not the node's code: the
/// node's <c>LinkManager</c> needs TLS, Kestrel and a socket per link, which do not fit 2,000 times into one process; what
/// is modelled is what the design decides — who dials whom, what is gossiped to whom, when — and the costs are counted in
/// messages, with the per-message latency measured on the real links as a parameter.
/// </summary>
/// <remarks>
/// A round is one gossip period. In it each node (1) dials random members it knows of until it has <c>degree</c> links,
/// at most 2 a round, a member accepting up to 2 × degree links, plus links to <c>host-links</c> LLM hosts (hosts take only
/// those, and a newcomer's first link); and (2) does a
/// push-pull exchange of membership with one random neighbour (a digest both ways; the entries the other lacks when the
/// digests differ). Every node starts knowing only one seed, the worst case (one static peer across a router).
/// Then, on the converged overlay: a change (a model added on a host) is flooded to neighbours, each forwarding it once —
/// its reach time is the overlay's depth from the origin times the per-hop latency; and chats pick a random model and are
/// counted by how the client reaches the nearest host serving it: directly, through one relay, or by an on-demand link.
/// </remarks>
internal static class OverlayBenchmark
{
    public static int Run(string[] options)
    {
        var sizes = BenchArgs.Ints(options, "--nodes", [500, 2000]);
        var degree = BenchArgs.Int(options, "--degree", 8);
        var hostLinks = BenchArgs.Int(options, "--host-links", 2);
        var hostPercent = BenchArgs.Int(options, "--host-percent", 5);
        var models = BenchArgs.Int(options, "--models", 5);
        var gossipMs = BenchArgs.Int(options, "--gossip-ms", 1000);
        var pingSeconds = BenchArgs.Int(options, "--ping-seconds", 5);
        var hopMicroseconds = BenchArgs.Int(options, "--hop-us", 2000);
        var seed = BenchArgs.Int(options, "--seed", 20);
        Console.WriteLine($"degree {degree} (accepting up to {2 * degree}), {hostLinks} links to LLM hosts, {hostPercent} % hosts serving 1 of {models} models, " +
            $"gossip every {gossipMs} ms, pings every {pingSeconds} s (one ping and one pong per link), {hopMicroseconds} µs per hop; seed {seed}");
        Console.WriteLine("| nodes | rounds to full membership (s) | links per node mean / max | messages sent per node per s, idle (pings + gossip) | " +
            "a change reaches all: hops / ms | chats direct / one relay / on-demand link | full mesh: links per node, pings per node per s |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            var clock = Stopwatch.StartNew();
            var result = Simulate(size, degree, hostLinks, hostPercent, models, new Random(seed));
            var idle = (result.MeanDegree / pingSeconds) + (2.0 * 1000 / gossipMs);
            var fullMeshPings = (size - 1.0) / pingSeconds;
            var fullMeshGrown = Math.Min(size - 1.0, MeshMind.Mesh.Links.LinkManager.LinksPerPingInterval) / pingSeconds; // the interval grows past LinksPerPingInterval links
            Console.WriteLine($"| {size:N0} | {result.Rounds} ({result.Rounds * gossipMs / 1000.0:F0} s) | {result.MeanDegree:F1} / {result.MaxDegree} | {idle:F1} | " +
                $"{result.FloodDepth} / {result.FloodDepth * hopMicroseconds / 1000.0:F0} | {result.Direct:P1} / {result.OneRelay:P1} / {result.OnDemand:P1} | " +
                $"{size - 1:N0}, {fullMeshPings:F0} ({fullMeshGrown:F1} with the interval grown) |");
            Console.Error.WriteLine($"  ({size} nodes simulated in {clock.Elapsed.TotalSeconds:F1} s)");
        }

        return 0;
    }

    private sealed record Result(int Rounds, double MeanDegree, int MaxDegree, int FloodDepth, double Direct, double OneRelay, double OnDemand);

    private static Result Simulate(int size, int degree, int hostLinks, int hostPercent, int models, Random random)
    {
        var links = Enumerable.Range(0, size).Select(_ => new HashSet<int>()).ToArray();
        var known = Enumerable.Range(0, size).Select(i => new BitArray(size) { [i] = true, [0] = true }).ToArray();
        var knownCount = known.Select(k => CountOf(k)).ToArray();
        var hostCount = Math.Max(1, size * hostPercent / 100);
        var isHost = new bool[size];
        foreach (var host in Enumerable.Range(0, size).OrderBy(_ => random.Next()).Take(hostCount))
        {
            isHost[host] = true;
        }

        var model = Enumerable.Range(0, size).Select(i => isHost[i] ? random.Next(models) : -1).ToArray();
        var served = model.Where(m => m >= 0).Distinct().ToArray(); // chats ask for models some host serves
        var maxDegree = 2 * degree;
        var rounds = 0;
        while (rounds < 1_000)
        {
            rounds++;
            foreach (var node in Enumerable.Range(0, size).OrderBy(_ => random.Next()))
            {
                Dial(node, links, known, isHost, degree, maxDegree, hostLinks, random);
            }

            for (var node = 0; node < size; node++)
            {
                knownCount[node] = CountOf(known[node]);
            }

            foreach (var node in Enumerable.Range(0, size).OrderBy(_ => random.Next()))
            {
                if (links[node].Count == 0)
                {
                    continue;
                }

                var other = links[node].ElementAt(random.Next(links[node].Count));
                if (knownCount[node] != size || knownCount[other] != size)
                {
                    known[node].Or(known[other]);
                    known[other].Or(known[node]);
                    knownCount[node] = knownCount[other] = CountOf(known[node]);
                }
            }

            if (knownCount.All(c => c == size) && links.All(l => l.Count >= Math.Min(degree, size - 1))
                && Enumerable.Range(0, size).All(n => isHost[n] || links[n].Count(h => isHost[h]) >= Math.Min(hostLinks, hostCount)))
            {
                break;
            }
        }

        // A change flooded from a random node: each node forwards it once to its neighbours; the depth is the BFS eccentricity.
        var distances = Distances(random.Next(size), links);
        var depth = distances.Contains(-1) ? -1 : distances.Max(); // -1: the overlay fell apart
        int direct = 0, relay = 0, onDemand = 0;
        for (var chat = 0; chat < 20_000; chat++)
        {
            var client = random.Next(size);
            var wanted = served[random.Next(served.Length)];
            if (isHost[client] && model[client] == wanted)
            {
                direct++;
                continue;
            }

            if (links[client].Any(n => model[n] == wanted))
            {
                direct++;
            }
            else if (links[client].Any(n => links[n].Any(h => model[h] == wanted)))
            {
                relay++;
            }
            else
            {
                onDemand++;
            }
        }

        var total = (double)(direct + relay + onDemand);
        return new Result(rounds, links.Average(l => l.Count), links.Max(l => l.Count), depth, direct / total, relay / total, onDemand / total);
    }

    private static void Dial(int node, HashSet<int>[] links, BitArray[] known, bool[] isHost, int degree, int maxDegree, int hostLinks, Random random)
    {
        var size = links.Length;
        var hostsLinked = links[node].Count(n => isHost[n]);
        for (var attempt = 0; attempt < 2 && (links[node].Count < degree || (!isHost[node] && hostsLinked < hostLinks)); attempt++)
        {
            var wantHost = !isHost[node] && hostsLinked < hostLinks && links[node].Count > 0;
            // A random member of its view: a host when it still needs host links, else a node that is not a host (a host's
            // places are kept for host links); up to 8 picks.
            var view = Enumerable.Range(0, size)
                .Where(c => known[node][c] && c != node && !links[node].Contains(c) && (wantHost ? isHost[c] : !isHost[c] || links[node].Count == 0)).ToList();
            for (var pick = 0; pick < 8 && view.Count > 0; pick++)
            {
                var candidate = view[random.Next(view.Count)];

                // A member at its cap refuses, unless it is a host asked for a host link (hosts take more, up to 4 × the cap); a
                // refusal still carries its view of the membership, so a newcomer that only knew it learns whom else to dial.
                if (links[candidate].Count >= (isHost[candidate] ? 4 * maxDegree : maxDegree))
                {
                    known[node].Or(known[candidate]);
                    known[candidate][node] = true;
                    continue;
                }

                links[node].Add(candidate);
                links[candidate].Add(node);
                hostsLinked += isHost[candidate] ? 1 : 0;
                break;
            }
        }
    }

    private static int[] Distances(int origin, HashSet<int>[] links)
    {
        var distance = Enumerable.Repeat(-1, links.Length).ToArray();
        var queue = new Queue<int>();
        distance[origin] = 0;
        queue.Enqueue(origin);
        while (queue.TryDequeue(out var node))
        {
            foreach (var next in links[node].Where(n => distance[n] < 0))
            {
                distance[next] = distance[node] + 1;
                queue.Enqueue(next);
            }
        }

        return distance;
    }

    private static int CountOf(BitArray bits)
    {
        var count = 0;
        foreach (bool bit in bits)
        {
            count += bit ? 1 : 0;
        }

        return count;
    }
}
