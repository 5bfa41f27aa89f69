using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshMind.Bench.Llm;

namespace MeshMind.Bench.Files;

/// <summary>
/// Part 4: latency of <c>GET /api/files</c> on a node linked to many peers that share many files each: with the peer lists
/// cached, stale (past the cache lifetime, served while they refresh), and cold (a fresh node's first listing).
/// </summary>
internal static class ListingBenchmark
{
    public static async Task RunAsync(int peerCount, int filesPerPeer, int listings, int staleRuns, int coldRuns, CancellationToken cancellationToken)
    {
        var peers = new List<BenchNode>();
        try
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < peerCount; i++)
            {
                peers.Add(await BenchNode.StartAsync($"p{i:00}", FilesBenchmark.NoLlm, [], cancellationToken));
            }

            await Parallel.ForEachAsync(Enumerable.Range(0, peerCount * filesPerPeer), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (n, token) =>
                {
                    var (peer, file) = (n % peerCount, n / peerCount);
                    await Transfer.UploadSmallAsync(peers[peer].Http, $"p{peer:00}-{file:0000}.txt", Encoding.UTF8.GetBytes($"node {peer} file {file}\n"), token);
                });
            Console.WriteLine();
            Console.WriteLine($"4. GET /api/files with {peerCount} linked peers x {filesPerPeer:N0} files (started and uploaded in {clock.Elapsed.TotalSeconds:F0} s)");

            string[] peerArguments = [.. peers.SelectMany(p => new[] { "--peer", $"127.0.0.1:{p.MeshPort}" })];
            string[] peerIds = [.. peers.Select(p => p.NodeId)];
            await using var lister = await BenchNode.StartAsync("l", FilesBenchmark.NoLlm, peerArguments, cancellationToken);
            await NodeLinks.UntilLinkedAsync(lister, peerIds, cancellationToken);

            var (first, entries, bytes) = await ListAsync(lister, cancellationToken);
            Console.WriteLine($"  node L, first listing once linked: {first:F1} ms, {entries:N0} entries, {bytes:N0} bytes of JSON");

            // (a) cached: repeat within the cache lifetime (15 s) of that first listing.
            var cpu = new CpuMeter([("bench", Environment.ProcessId), ("L", lister.ProcessId)]);
            var sums = new TimeSpan[cpu.Names.Count];
            var cached = new List<double>();
            var cachedEntries = new List<int>();
            var window = Stopwatch.StartNew();
            for (var i = 0; i < 20; i++)
            {
                await ListAsync(lister, cancellationToken);
            }

            var before = cpu.Read();
            while (cached.Count < listings && window.Elapsed < TimeSpan.FromSeconds(12))
            {
                var (ms, count, _) = await ListAsync(lister, cancellationToken);
                cached.Add(ms);
                cachedEntries.Add(count);
            }

            cpu.AddSince(before, sums);
            Print("(a) cached, repeated on L", cached, cachedEntries.Min());
            Console.WriteLine($"      after 20 unmeasured; entries {cachedEntries.Min():N0} to {cachedEntries.Max():N0}, all within 12 s of the first listing");
            Console.WriteLine($"      CPU ms per listing: {cpu.Describe(sums, cached.Count, t => t.TotalMilliseconds)}");
            Console.WriteLine($"      target p99 <= 10 ms: {Table.Verdict(Percentiles.Of(cached).P99 <= 10)}");

            // Stale: past the lifetime the cached lists are served at once while they refresh in the background.
            var stale = new List<double>();
            var staleEntries = new List<int>();
            for (var i = 0; i < staleRuns; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(16), cancellationToken);
                var (ms, count, _) = await ListAsync(lister, cancellationToken);
                stale.Add(ms);
                staleEntries.Add(count);
            }

            if (stale.Count > 0)
            {
                Print("(c) stale, on L 16 s after the last", stale, staleEntries.Min());
                Console.WriteLine($"      entries per stale listing: {string.Join(", ", staleEntries.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))}");
            }

            // (b) cold: a fresh node each time, linked to every peer, that has never listed.
            var cold = new List<double>();
            var coldEntries = new List<int>();
            for (var i = 0; i < coldRuns; i++)
            {
                await using var fresh = await BenchNode.StartAsync($"c{i:00}", FilesBenchmark.NoLlm, peerArguments, cancellationToken);
                await NodeLinks.UntilLinkedAsync(fresh, peerIds, cancellationToken);
                var (ms, count, _) = await ListAsync(fresh, cancellationToken);
                cold.Add(ms);
                coldEntries.Add(count);
            }

            if (cold.Count > 0)
            {
                Print("(b) cold, first listing of a new node", cold, coldEntries.Min());
                Console.WriteLine($"      entries per cold listing: {string.Join(", ", coldEntries.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))}");
            }
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    /// <summary>One <c>GET /api/files</c>: milliseconds from sending to the last byte, the entries and the body's size.</summary>
    private static async Task<(double Ms, int Entries, int Bytes)> ListAsync(BenchNode node, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var body = await node.Http.GetByteArrayAsync(new Uri("/api/files", UriKind.Relative), cancellationToken);
        var ms = clock.Elapsed.TotalMilliseconds;
        using var list = JsonDocument.Parse(body);
        return (ms, list.RootElement.GetProperty("files").GetArrayLength(), body.Length);
    }

    private static void Print(string label, List<double> latencies, int entries)
    {
        var p = Percentiles.Of(latencies);
        Console.WriteLine($"  {label,-38} n={latencies.Count,4}  p50 {p.P50,8:F2}  p95 {p.P95,8:F2}  p99 {p.P99,8:F2}  max {latencies.Max(),8:F2} ms  ({entries:N0} entries)");
    }
}
