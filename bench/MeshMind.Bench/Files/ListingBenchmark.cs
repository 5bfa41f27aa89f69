using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
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
    public static async Task RunAsync(int peerCount, int filesPerPeer, int listings, int staleRuns, int coldRuns, bool warm, CancellationToken cancellationToken)
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

            var sinceFirst = Stopwatch.StartNew();
            var (first, entries, bytes, _) = await ListAsync(lister, cancellationToken);
            Console.WriteLine($"  node L, first listing once linked: {first:F1} ms, {entries:N0} entries, {bytes:N0} bytes of JSON");

            var cpu = new CpuMeter([("bench", Environment.ProcessId), ("L", lister.ProcessId)]);
            if (warm)
            {
                await SettleAsync(lister, cpu, sinceFirst, cancellationToken);
            }

            // (a) cached: repeat within the cache lifetime (15 s) of the peer lists.
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
                var (ms, count, _, _) = await ListAsync(lister, cancellationToken);
                cached.Add(ms);
                cachedEntries.Add(count);
            }

            cpu.AddSince(before, sums);
            Print("(a) cached, repeated on L", cached, cachedEntries.Min());
            Console.WriteLine($"      after 20 unmeasured; entries {cachedEntries.Min():N0} to {cachedEntries.Max():N0}, all within 12 s, inside the peer lists' 15 s lifetime");
            Console.WriteLine($"      CPU ms per listing: {cpu.Describe(sums, cached.Count, t => t.TotalMilliseconds)}");

            // (a1) cached, as a browser asks for it: Accept-Encoding gzip. Timed to the last byte as above; the client's
            // gunzip (like its JSON parsing) comes after, and is also shown added on.
            var zipped = new List<double>();
            var unzipped = new List<double>();
            var zippedBytes = 0;
            var zippedEntries = int.MaxValue;
            var sumsZipped = new TimeSpan[cpu.Names.Count];
            for (var i = 0; i < 20; i++)
            {
                await ListAsync(lister, cancellationToken, gzip: true);
            }

            window.Restart();
            before = cpu.Read();
            while (zipped.Count < listings && window.Elapsed < TimeSpan.FromSeconds(12))
            {
                var (ms, count, length, withGunzip) = await ListAsync(lister, cancellationToken, gzip: true);
                zipped.Add(ms);
                unzipped.Add(withGunzip);
                zippedBytes = length;
                zippedEntries = Math.Min(zippedEntries, count);
            }

            cpu.AddSince(before, sumsZipped);
            Print("(a1) cached, Accept-Encoding: gzip", zipped, zippedEntries);
            Print("     the same, + the client's gunzip", unzipped, zippedEntries);
            Console.WriteLine($"      {zippedBytes:N0} bytes on the wire; CPU ms per listing: {cpu.Describe(sumsZipped, zipped.Count, t => t.TotalMilliseconds)}");
            Console.WriteLine($"      target p99 <= 10 ms: identity {Table.Verdict(Percentiles.Of(cached).P99 <= 10)}, gzip {Table.Verdict(Percentiles.Of(zipped).P99 <= 10)}");

            // (a2) revalidated: what a browser sends for the no-cache listing it holds, If-None-Match with its ETag.
            var revalidated = new List<double>();
            var notModified = 0;
            var etagSeen = "";
            using (var latest = await lister.Http.GetAsync(new Uri("/api/files", UriKind.Relative), cancellationToken))
            {
                var etag = latest.Headers.ETag;
                etagSeen = etag?.Tag ?? "none";
                for (var i = 0; i < Math.Min(listings, 100) && etag is not null; i++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/files", UriKind.Relative));
                    request.Headers.IfNoneMatch.Add(etag);
                    var sent = Stopwatch.StartNew();
                    using var response = await lister.Http.SendAsync(request, cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    revalidated.Add(sent.Elapsed.TotalMilliseconds);
                    notModified += response.StatusCode == System.Net.HttpStatusCode.NotModified ? 1 : 0;
                }
            }

            if (revalidated.Count > 0)
            {
                Print("(a2) revalidated with If-None-Match", revalidated, entries);
                Console.WriteLine($"      {notModified} of {revalidated.Count} answered 304 Not Modified; ETag {etagSeen} (the node's listing builds so far, after the '-')");
            }

            // Stale: past the lifetime the cached lists are served at once while they refresh in the background.
            var stale = new List<double>();
            var staleEntries = new List<int>();
            for (var i = 0; i < staleRuns; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(16), cancellationToken);
                var (ms, count, _, _) = await ListAsync(lister, cancellationToken);
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
                var (ms, count, _, _) = await ListAsync(fresh, cancellationToken);
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

    /// <summary>
    /// Steady state before timing the cached listing: listings (both encodings) in rounds of 40 until a round in which L's
    /// background JIT thread used no more than one 10 ms tick (tier-1 recompilation of the listing path otherwise runs
    /// for seconds after the first listings and lands in the times), then a fresh set of peer lists: just past the next
    /// 15 s expiry one listing starts their refresh, and 2 s later it has finished, so the 12 s of timing after it fall
    /// within the lists' lifetime and no refresh runs meanwhile (a listing during a refresh is part (c)).
    /// </summary>
    private static async Task SettleAsync(BenchNode lister, CpuMeter cpu, Stopwatch sinceFirst, CancellationToken cancellationToken)
    {
        var quietTick = TimeSpan.FromMilliseconds(10);
        var rounds = 0;
        TimeSpan jit;
        do
        {
            var before = cpu.ReadJit();
            for (var i = 0; i < 40; i++)
            {
                await ListAsync(lister, cancellationToken, gzip: i % 2 == 0);
            }

            jit = cpu.ReadJit().Since(before)[1];
            rounds++;
        }
        while (jit > quietTick && rounds < 30);

        var lifetime = TimeSpan.FromSeconds(15);
        var expiries = Math.Floor(sinceFirst.Elapsed / lifetime) + 1;
        await Task.Delay((lifetime * expiries) + TimeSpan.FromSeconds(1) - sinceFirst.Elapsed, cancellationToken);
        await ListAsync(lister, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        Console.WriteLine($"  settled: {rounds * 40} listings until L's background JIT was quiet (last round {jit.TotalMilliseconds:F0} ms), " +
            $"peer lists refreshed at {sinceFirst.Elapsed.TotalSeconds - 2:F0} s after the first listing");
    }

    /// <summary>
    /// One <c>GET /api/files</c>: milliseconds from sending to the last byte, the entries, the body's size on the wire, and
    /// (with <paramref name="gzip"/>) the milliseconds until the client has also decompressed it.
    /// </summary>
    /// <remarks>
    /// The body is read into one reused buffer: a new 6 MB array per call (the large-object heap) had this process collect
    /// its oldest generation every few calls, and those pauses landed in the next call's time.
    /// </remarks>
    private static async Task<(double Ms, int Entries, int Bytes, double WithGunzipMs)> ListAsync(BenchNode node, CancellationToken cancellationToken, bool gzip = false)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/files", UriKind.Relative));
        if (gzip)
        {
            request.Headers.AcceptEncoding.Add(new System.Net.Http.Headers.StringWithQualityHeaderValue("gzip"));
        }

        using var response = await node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var length = await ReadAllAsync(await response.Content.ReadAsStreamAsync(cancellationToken), s_body, b => s_body = b, cancellationToken);
        var ms = clock.Elapsed.TotalMilliseconds;
        var (json, jsonLength) = (s_body, length);
        if (response.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            jsonLength = await ReadAllAsync(new GZipStream(new MemoryStream(s_body, 0, length), CompressionMode.Decompress), s_expanded, b => s_expanded = b, cancellationToken);
            json = s_expanded;
        }
        else if (gzip)
        {
            throw new InvalidOperationException("asked for gzip, got an uncompressed listing");
        }

        var withGunzip = clock.Elapsed.TotalMilliseconds;
        using var list = JsonDocument.Parse(json.AsMemory(0, jsonLength));
        return (ms, list.RootElement.GetProperty("files").GetArrayLength(), length, withGunzip);
    }

    private static async Task<int> ReadAllAsync(Stream source, byte[] buffer, Action<byte[]> grown, CancellationToken cancellationToken)
    {
        await using var stream = source;
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
                grown(buffer);
            }
        }

        return length;
    }

    private static byte[] s_body = new byte[16 << 20];
    private static byte[] s_expanded = new byte[16 << 20];

    private static void Print(string label, List<double> latencies, int entries)
    {
        var p = Percentiles.Of(latencies);
        Console.WriteLine($"  {label,-38} n={latencies.Count,4}  p50 {p.P50,8:F2}  p95 {p.P95,8:F2}  p99 {p.P99,8:F2}  max {latencies.Max(),8:F2} ms  ({entries:N0} entries)");
    }
}
