using MeshMind.Bench.Llm;

namespace MeshMind.Bench.Files;

/// <summary>
/// Parts 1–3: a large file uploaded to node A, downloaded from A, and downloaded through node B (B fetches it from A over
/// the mutual-TLS mesh port and checks its hash), with MB/s, peak RSS growth and CPU per MB.
/// </summary>
internal static class LargeFileBenchmark
{
    private const string Name = "big.bin";

    public static async Task RunAsync(BenchNode a, BenchNode b, int sizeMib, int runs, CancellationToken cancellationToken)
    {
        using var httpA = NodeLinks.LongClient(a);
        using var httpB = NodeLinks.LongClient(b);
        var cpu = new CpuMeter([("bench", Environment.ProcessId), ("A", a.ProcessId), ("B", b.ProcessId)]);
        var direct = $"/api/files/{Name}";
        var proxied = $"/api/peers/{a.NodeId}/files/{Name}";

        // Warm-up: every path once with a small file of the same name (replaced by the large one below).
        using (var small = new GeneratedContent(8))
        {
            await Transfer.UploadAsync(httpA, Name, small, cancellationToken);
        }

        await Transfer.DownloadAsync(httpA, direct, cancellationToken);
        await Transfer.DownloadAsync(httpB, proxied, cancellationToken);

        using var content = new GeneratedContent(sizeMib);
        var sums = new TimeSpan[cpu.Names.Count];
        var before = cpu.Read();
        var rss = RssSampler.Start(a.ProcessId);
        var upload = await Transfer.UploadAsync(httpA, Name, content, cancellationToken);
        var uploadGrowth = await rss.StopAsync();
        cpu.AddSince(before, sums);
        var megabytes = upload.Bytes / 1e6;
        Console.WriteLine();
        Console.WriteLine($"1. Upload of {sizeMib} MiB ({upload.Bytes:N0} bytes, made on the fly) to A, POST /api/upload, until A's 201 (A hashes, writes and fsyncs)");
        Console.WriteLine($"  {upload.MegabytesPerSecond:F0} MB/s in {upload.Seconds:F2} s; SHA-256 {(upload.Sha256 == content.Sha256 ? "matches" : "DIFFERS")}; " +
            $"A's peak RSS growth {uploadGrowth[0]:F1} MB");
        Console.WriteLine($"  CPU ms per MB: {cpu.Describe(sums, megabytes, t => t.TotalMilliseconds)}");
        Console.WriteLine($"  target >= 300 MB/s: {Table.Verdict(upload.MegabytesPerSecond >= 300)}; growth <= 64 MB: {Table.Verdict(uploadGrowth[0] <= 64)}");

        var paths = new[] { (Label: "2. direct from A", Http: httpA, Path: direct), (Label: "3. through B, proxied from A", Http: httpB, Path: proxied) };
        var results = paths.Select(_ => (Rates: new List<double>(), Growth: new double[2], Cpu: new TimeSpan[cpu.Names.Count], Hashes: new HashSet<string>())).ToArray();
        for (var run = 0; run < runs; run++)
        {
            for (var p = 0; p < paths.Length; p++)
            {
                var start = cpu.Read();
                rss = RssSampler.Start(a.ProcessId, b.ProcessId);
                var download = await Transfer.DownloadAsync(paths[p].Http, paths[p].Path, cancellationToken);
                var growth = await rss.StopAsync();
                cpu.AddSince(start, results[p].Cpu);
                results[p].Rates.Add(download.MegabytesPerSecond);
                results[p].Hashes.Add(download.Bytes == upload.Bytes ? download.Sha256 : $"{download.Bytes} bytes");
                results[p].Growth[0] = Math.Max(results[p].Growth[0], growth[0]);
                results[p].Growth[1] = Math.Max(results[p].Growth[1], growth[1]);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"2./3. Download of the same file, {runs} runs per path taking turns, after 1 warm-up (MB/s, request sent to last byte; the client hashes every byte)");
        Console.WriteLine($"  {"path",-30} | {"median",7}{"min",7}{"max",7} | {"peak RSS growth MB",-18} | SHA-256 | CPU ms per MB");
        for (var p = 0; p < paths.Length; p++)
        {
            var (rates, growth, sumsOfPath, hashes) = results[p];
            var check = hashes.Count == 1 && hashes.Contains(content.Sha256) ? "ok" : "WRONG";
            Console.WriteLine($"  {paths[p].Label,-30} | {Percentiles.Median(rates),7:F0}{rates.Min(),7:F0}{rates.Max(),7:F0} | " +
                $"{$"A {growth[0]:F1}, B {growth[1]:F1}",-18} | {check,-7} | {cpu.Describe(sumsOfPath, megabytes * runs, t => t.TotalMilliseconds)}");
        }

        var ratio = Percentiles.Median(results[1].Rates) / Percentiles.Median(results[0].Rates);
        var flat = results.All(r => r.Growth.All(g => g <= 64));
        Console.WriteLine($"  proxied / direct: {ratio:P1}; target >= 70 %: {Table.Verdict(ratio >= 0.70)}; every growth <= 64 MB: {Table.Verdict(flat)}");
    }
}
