using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshMind.Knowledge;
using MeshMind.Knowledge.Index;
using MeshMind.Knowledge.Search;
using MeshMind.Testing;
using MeshMind.Testing.Chaos;

namespace MeshMind.Bench.Knowledge;

/// <summary>
/// <c>search --netns</c>: phases 2 and 3 of <see cref="SearchBenchmark"/> with every node in a network namespace of its own on
/// one bridge (real <c>meshmind</c> processes, discovery on inside the lab): the nodes find and link to each other, a searcher
/// among them asks. Requests are made by one curl in the searcher's namespace for a whole series (<c>-K</c>, one connection
/// kept alive), and each search's latency is curl's <c>time_total</c>, so no process start is counted.
/// </summary>
internal static class NamespaceSearchBenchmark
{
    private const string Secret = "bench-search-lab-secret-0123456789";
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(List<(int Node, string Name, byte[] Content)> files, int nodeCount, KnowledgeIndex single, List<string> asked,
        int hungQueries, CancellationToken cancellationToken)
    {
        if (await NamespaceLab.UnavailableAsync() is { } reason)
        {
            Console.Error.WriteLine($"search --netns unavailable: {reason}");
            return 2;
        }

        await using var lab = await NamespaceLab.CreateAsync();
        var network = await lab.AddSwitchAsync(72);
        var nodes = new List<LabNode>();
        for (var n = 0; n <= nodeCount; n++)
        {
            var host = await lab.AddHostAsync(network, 11 + n);
            nodes.Add(await lab.StartNodeAsync(host, n < nodeCount ? $"s{n:00}" : "searcher", Secret, [], null, cancellationToken));
        }

        var searcher = nodes[^1];
        var peers = nodes[..^1];
        var clock = Stopwatch.StartNew();
        await LabMesh.WaitForFullMeshAsync(nodes, s_limit, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"   {nodes.Count} nodes in namespaces on one bridge, a full mesh after {clock.Elapsed.TotalSeconds:F1} s");

        var staging = Path.Combine(lab.Root, "files");
        Directory.CreateDirectory(staging);
        clock.Restart();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (file, token) =>
        {
            var path = Path.Combine(staging, file.Name);
            await File.WriteAllBytesAsync(path, file.Content, token);
            var status = await peers[file.Node].UploadAsync(path, file.Name, s_limit, token);
            File.Delete(path);
            if (status is not (200 or 201))
            {
                throw new InvalidOperationException($"the upload of {file.Name} to {peers[file.Node].Name} answered {status}");
            }
        });
        var uploaded = clock.Elapsed.TotalSeconds;

        // Indexed everywhere once every file's own marker word is found from the searcher.
        var waiting = files.Select(f => f.Name).ToList();
        while (waiting.Count > 0)
        {
            var answers = await SearchSeriesAsync(searcher, lab.Root, [.. waiting.Select(SearchBenchmark.Marker)], 1, cancellationToken);
            waiting = [.. waiting.Where((_, i) => answers[i].Hits.Count == 0)];
            if (clock.Elapsed > s_limit)
            {
                throw new TimeoutException($"{waiting.Count} files still not found from the searcher after {s_limit}");
            }
        }

        var totalBytes = files.Sum(f => (long)f.Content.Length);
        Console.WriteLine($"   uploaded in {uploaded:F1} s; every node's files searchable from the searcher {clock.Elapsed.TotalSeconds:F1} s after the uploads began "
            + $"({totalBytes / 1048576.0 / nodeCount / clock.Elapsed.TotalSeconds:F1} MiB/s a node, upload included, {nodeCount} nodes on {Environment.ProcessorCount} cores)");

        await SearchSeriesAsync(searcher, lab.Root, [.. asked.Take(20)], 10, cancellationToken); // warm-up
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // as the loopback mode: JIT tiering settles
        int[] processes = [.. nodes.Select(n => n.ProcessId!.Value)];
        var cpuBefore = processes.Sum(SearchBenchmark.CpuMilliseconds);
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        clock.Restart();
        var measured = await SearchSeriesAsync(searcher, lab.Root, asked, 10, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = processes.Sum(SearchBenchmark.CpuMilliseconds) - cpuBefore;
        var recalls = new List<double>();
        for (var i = 0; i < asked.Count; i++)
        {
            if (measured[i].Missing.Count > 0)
            {
                throw new InvalidOperationException($"peers missing with all alive: {string.Join(", ", measured[i].Missing)}");
            }

            var expected = (await single.SearchAsync(SearchQuery.Parse(asked[i]).Match!, 10, cancellationToken)).Select(h => h.Name + "\n" + h.Snippet).ToHashSet();
            recalls.Add(expected.Count == 0 ? 1 : measured[i].Hits.ToHashSet().Count(expected.Contains) / (double)expected.Count);
        }

        var alive = Llm.Percentiles.Of(measured.Select(m => m.Milliseconds));
        Console.WriteLine();
        Console.WriteLine($"2. GET /api/search?k=10 on the searcher (curl in its namespace, time_total), {nodeCount} peers alive, {asked.Count} queries: "
            + $"p50 {alive.P50:F1} ms, p95 {alive.P95:F1} ms, p99 {alive.P99:F1} ms (target p95 <= 100 ms: {(alive.P95 <= 100 ? "met" : "NOT met")})");
        Console.WriteLine($"   CPU of the {processes.Length} node processes during those queries: {cpu / (double)asked.Count:F1} CPU-ms per query over {seconds:F1} s; "
            + $"load average {loadBefore} before, {File.ReadAllText("/proc/loadavg").Trim()} after");
        Console.WriteLine($"   recall@10 against one index of every file: mean {recalls.Average():F3}, min {recalls.Min():F2}, "
            + $"{recalls.Count(r => r >= 0.999)} of {recalls.Count} queries exact (target >= 0.95: {(recalls.Average() >= 0.95 ? "met" : "NOT met")})");

        if (hungQueries > 0)
        {
            var hung = peers[0];
            using (Process.Start("kill", ["-STOP", hung.ProcessId!.Value.ToString(CultureInfo.InvariantCulture)]))
            {
            }

            try
            {
                var slow = await SearchSeriesAsync(searcher, lab.Root, [.. asked.Take(hungQueries)], 10, cancellationToken);
                var p = Llm.Percentiles.Of(slow.Select(s => s.Milliseconds));
                var budget = new KnowledgeOptions().SearchBudget.TotalMilliseconds;
                Console.WriteLine();
                Console.WriteLine($"3. one peer hung (SIGSTOP), {slow.Count} queries: p50 {p.P50:F1} ms, p95 {p.P95:F1} ms, max {slow.Max(s => s.Milliseconds):F1} ms; "
                    + $"hung peer in 'missing' {slow.Count(s => s.Missing.Contains(hung.NodeId!))} of {slow.Count} (budget {budget:F0} ms; target p95 <= budget + 20 ms: "
                    + $"{(p.P95 <= budget + 20 ? "met" : "NOT met")})");
            }
            finally
            {
                using (Process.Start("kill", ["-CONT", hung.ProcessId!.Value.ToString(CultureInfo.InvariantCulture)]))
                {
                }
            }
        }

        return 0; // the lab stops its nodes
    }

    /// <summary>
    /// Asks <paramref name="queries"/> of <paramref name="node"/>'s <c>/api/search</c> one after another with one curl in its
    /// namespace (one kept-alive connection), each answer to a file of its own; returns each one's hits, missing nodes and
    /// curl's <c>time_total</c>.
    /// </summary>
    private static async Task<List<(List<string> Hits, List<string> Missing, double Milliseconds)>> SearchSeriesAsync(LabNode node, string root,
        List<string> queries, int k, CancellationToken cancellationToken)
    {
        if (await node.GetJsonAsync("/api/status", cancellationToken) is null) // logs in (the cookie jar curl reads below)
        {
            throw new InvalidOperationException($"{node.Name} does not answer");
        }

        var series = Directory.CreateTempSubdirectory("search-series-").FullName;
        try
        {
            var config = new StringBuilder();
            for (var i = 0; i < queries.Count; i++)
            {
                config.Append(CultureInfo.InvariantCulture, $"url = \"http://127.0.0.1:8080/api/search?q={Uri.EscapeDataString(queries[i])}&k={k}\"\n");
                config.Append(CultureInfo.InvariantCulture, $"output = \"{Path.Combine(series, $"{i}.json")}\"\n");
            }

            var configPath = Path.Combine(series, "curl.conf");
            await File.WriteAllTextAsync(configPath, config.ToString(), cancellationToken);
            var start = new ProcessStartInfo("ip", ["netns", "exec", node.Host.Namespace, "curl", "-s", "-S", "-b", Path.Combine(node.Directory, "cookies.txt"),
                "-w", "%{http_code} %{time_total}\\n", "-K", configPath])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length != queries.Count)
            {
                throw new InvalidOperationException($"curl answered {lines.Length} of {queries.Count} searches: {(await error).Trim()}");
            }

            var results = new List<(List<string>, List<string>, double)>(queries.Count);
            for (var i = 0; i < queries.Count; i++)
            {
                var fields = lines[i].Split(' ');
                if (fields[0] != "200")
                {
                    throw new InvalidOperationException($"search '{queries[i]}' answered {fields[0]}");
                }

                using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(series, $"{i}.json"), cancellationToken));
                results.Add((
                    [.. json.RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("file").GetString() + "\n" + h.GetProperty("snippet").GetString())],
                    [.. json.RootElement.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!)],
                    double.Parse(fields[1], CultureInfo.InvariantCulture) * 1000));
            }

            return results;
        }
        finally
        {
            Directory.Delete(series, recursive: true);
        }
    }
}
