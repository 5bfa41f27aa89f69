using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshMind.Bench.Files;
using MeshMind.Bench.Llm;
using MeshMind.Files.Store;
using MeshMind.Knowledge;
using MeshMind.Knowledge.Index;
using MeshMind.Knowledge.Search;
using MeshMind.Node;
using MeshMind.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshMind.Bench.Knowledge;

/// <summary>
/// Issue 19 on 127.0.0.1 (real node processes, discovery off): (1) full-text indexing throughput of one node's indexer
/// (one pass over a file store: reading, extraction, chunking, FTS5; in process); (2) <c>GET /api/search</c> p50/p95 from a node linked to every other, and
/// recall@10 of its merged answer against one index holding every node's files; (3) the same with one peer hung (SIGSTOP).
/// </summary>
/// <remarks>The text is generated from a Zipf-distributed vocabulary with a fixed seed, so every run indexes the same words.</remarks>
internal static class SearchBenchmark
{
    private const int Vocabulary = 20_000;

    public static async Task<int> RunAsync(string[] options)
    {
        var nodeCount = BenchArgs.Int(options, "--nodes", 5);
        var filesPerNode = BenchArgs.Int(options, "--files", 200);
        var maxKib = BenchArgs.Int(options, "--max-kib", 256);
        var queries = BenchArgs.Int(options, "--queries", 200);
        var hungQueries = BenchArgs.Int(options, "--hung-queries", 10);
        var cancellationToken = CancellationToken.None;
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");

        var random = new Random(19);
        var words = Enumerable.Range(0, Vocabulary).Select(Word).ToArray();
        var zipf = Zipf(Vocabulary);
        var files = new List<(int Node, string Name, byte[] Content)>();
        for (var n = 0; n < nodeCount; n++)
        {
            for (var f = 0; f < filesPerNode; f++)
            {
                // Sizes spread log-uniformly from 2 KiB to --max-kib.
                var size = (int)(2048 * Math.Pow(maxKib / 2.0, random.NextDouble()));
                var name = $"n{n:00}-f{f:0000}.txt";
                files.Add((n, name, [.. Text(random, words, zipf, size), .. Encoding.UTF8.GetBytes(" " + Marker(name) + "\n")]));
            }
        }

        var totalBytes = files.Sum(f => (long)f.Content.Length);
        Console.WriteLine($"{nodeCount} nodes x {filesPerNode} text files, 2 KiB to {maxKib} KiB each, {totalBytes / 1048576.0:F1} MiB in all");

        // 1. Indexing throughput: the files stored in one node's file store (not timed), then the indexer's background pass
        //    over them timed (read each blob, extract, chunk, FTS5 insert, as a node does after uploads). This index of every
        //    file is also what recall is measured against. A warm-up pass over a few of the files in a store of their own comes
        //    first, so the timed pass runs compiled code, as the shipped (Native AOT) build always does.
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        string warmedUp;
        using (var warmUpDir = new TempDir())
        {
            var warmUp = files.Take(100).ToList();
            var (_, warmSeconds, warmCpuSeconds) = await IndexPassAsync(warmUpDir.Path, warmUp, meters, cancellationToken);
            var warmBytes = warmUp.Sum(f => (long)f.Content.Length);
            warmedUp = $"   before it, a warm-up pass (first run of the indexing code, JIT included): {warmUp.Count} files, {warmBytes / 1e6 / warmSeconds:F1} MB/s, "
                + $"{warmCpuSeconds * 1000 / (warmBytes / 1e6):F0} CPU-ms per MB";
        }

        using var singleDir = new TempDir();
        var (single, indexSeconds, indexCpuSeconds) = await IndexPassAsync(singleDir.Path, files, meters, cancellationToken);
        var (documents, chunks) = await single.CountAsync(cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"1. indexing (one indexer pass over a file store: read, extract, chunk, FTS5 insert; in process): {totalBytes / 1048576.0 / indexSeconds:F1} MiB/s "
            + $"= {totalBytes / 1e6 / indexSeconds:F1} MB/s ({documents:N0} files, {chunks:N0} chunks in {indexSeconds:F2} s; target >= 20 MB/s: {(totalBytes / 1e6 / indexSeconds >= 20 ? "met" : "NOT met")})");
        Console.WriteLine($"   CPU of the bench process: {indexCpuSeconds:F2} s = {indexCpuSeconds * 1000 / (totalBytes / 1e6):F0} CPU-ms per MB "
            + $"(steadier on a loaded machine; {totalBytes / 1e6 / indexCpuSeconds:F1} MB per CPU second)");
        Console.WriteLine(warmedUp);

        // The indexer prepares a file (extract, chunk, count tokens) on the thread pool while it writes the one before: its
        // throughput on a machine with a core to spare is set by the larger of the two stages. The preparing stage alone, timed
        // here in one thread over the same files; the writing stage is the rest of the pass's CPU.
        var settings = new KnowledgeOptions();
        var prepareCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var (_, name, content) in files)
        {
            var text = MeshMind.Knowledge.Extraction.TextExtractor.Extract(name, content, settings.MaxFileCharacters);
            _ = KnowledgeIndex.Prepare(text is null ? [] : MeshMind.Knowledge.Extraction.Chunker.Split(text, settings.ChunkCharacters, settings.ChunkOverlap));
        }

        var prepareCpu = (Process.GetCurrentProcess().TotalProcessorTime - prepareCpuBefore).TotalSeconds;
        var writeCpu = Math.Max(indexCpuSeconds - prepareCpu, 0.001);
        Console.WriteLine($"   stages: preparing {prepareCpu * 1000 / (totalBytes / 1e6):F0} CPU-ms per MB, writing (the rest) {writeCpu * 1000 / (totalBytes / 1e6):F0}; "
            + $"with a core free for each, {totalBytes / 1e6 / Math.Max(prepareCpu, writeCpu):F1} MB/s");

        if (options.Contains("--index-only"))
        {
            return 0;
        }

        // 2. The mesh: the nodes hold the files, a searcher linked to them all asks.
        var nodes = new List<BenchNode>();
        try
        {
            for (var n = 0; n < nodeCount; n++)
            {
                nodes.Add(await BenchNode.StartAsync($"s{n:00}", FilesBenchmark.NoLlm, [], cancellationToken));
            }

            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (file, token) => await Transfer.UploadSmallAsync(nodes[file.Node].Http, file.Name, file.Content, token));
            var uploaded = clock.Elapsed.TotalSeconds;

            string[] peerArguments = [.. nodes.SelectMany(p => new[] { "--peer", $"127.0.0.1:{p.MeshPort}" })];
            await using var searcher = await BenchNode.StartAsync("searcher", FilesBenchmark.NoLlm, peerArguments, cancellationToken);
            await NodeLinks.UntilLinkedAsync(searcher, [.. nodes.Select(p => p.NodeId)], cancellationToken);

            // Indexed everywhere once every file's own marker word is found.
            var waiting = new HashSet<string>(files.Select(f => f.Name));
            while (waiting.Count > 0)
            {
                foreach (var name in waiting.ToList())
                {
                    var (hits, _) = await SearchAsync(searcher, Marker(name), 1, cancellationToken);
                    if (hits.Count > 0)
                    {
                        waiting.Remove(name);
                    }
                }
            }

            Console.WriteLine($"   uploaded in {uploaded:F1} s; every node's files searchable from the searcher {clock.Elapsed.TotalSeconds:F1} s after the uploads began "
                + $"({totalBytes / 1048576.0 / nodeCount / clock.Elapsed.TotalSeconds:F1} MiB/s a node, upload included, {nodeCount} nodes on 2 cores)");

            // Queries of two or three mid-frequency words (ranks 50..2000): lexical, as people type them.
            var asked = Enumerable.Range(0, queries).Select(_ =>
                string.Join(' ', Enumerable.Range(0, random.Next(2, 4)).Select(_ => words[random.Next(50, 2000)]))).ToList();
            for (var i = 0; i < 20; i++)
            {
                await SearchAsync(searcher, asked[i % asked.Count], 10, cancellationToken);
            }

            var latencies = new List<double>();
            var recalls = new List<double>();
            foreach (var query in asked)
            {
                var sent = Stopwatch.StartNew();
                var (hits, missing) = await SearchAsync(searcher, query, 10, cancellationToken);
                latencies.Add(sent.Elapsed.TotalMilliseconds);
                if (missing.Count > 0)
                {
                    throw new InvalidOperationException($"peers missing with all alive: {string.Join(", ", missing)}");
                }

                var expected = (await single.SearchAsync(SearchQuery.Parse(query).Match!, 10, cancellationToken))
                    .Select(h => h.Name + "\n" + h.Snippet).ToHashSet();
                recalls.Add(expected.Count == 0 ? 1 : hits.ToHashSet().Count(expected.Contains) / (double)expected.Count);
            }

            var alive = Percentiles.Of(latencies);
            Console.WriteLine();
            Console.WriteLine($"2. GET /api/search?k=10 on the searcher, {nodeCount} peers alive, {latencies.Count} queries: "
                + $"p50 {alive.P50:F1} ms, p95 {alive.P95:F1} ms, p99 {alive.P99:F1} ms (target p95 <= 100 ms: {(alive.P95 <= 100 ? "met" : "NOT met")})");
            Console.WriteLine($"   recall@10 against one index of every file: mean {recalls.Average():F3}, min {recalls.Min():F2}, "
                + $"{recalls.Count(r => r >= 0.999)} of {recalls.Count} queries exact (target >= 0.95: {(recalls.Average() >= 0.95 ? "met" : "NOT met")})");

            // 3. One peer hung: stopped with SIGSTOP (its link stays up until its pings go unanswered).
            if (hungQueries > 0)
            {
                var hung = nodes[0];
                using (Process.Start("kill", ["-STOP", hung.ProcessId.ToString(CultureInfo.InvariantCulture)]))
                {
                }

                try
                {
                    var slow = new List<double>();
                    var reportedMissing = 0;
                    for (var i = 0; i < hungQueries; i++)
                    {
                        var sent = Stopwatch.StartNew();
                        var (_, missing) = await SearchAsync(searcher, asked[i], 10, cancellationToken);
                        slow.Add(sent.Elapsed.TotalMilliseconds);
                        reportedMissing += missing.Contains(hung.NodeId) ? 1 : 0;
                    }

                    var p = Percentiles.Of(slow);
                    var budget = new KnowledgeOptions().SearchBudget.TotalMilliseconds;
                    Console.WriteLine();
                    Console.WriteLine($"3. one peer hung (SIGSTOP), {slow.Count} queries: p50 {p.P50:F1} ms, p95 {p.P95:F1} ms, max {slow.Max():F1} ms; "
                        + $"hung peer in 'missing' {reportedMissing} of {slow.Count} (budget {budget:F0} ms; target p95 <= budget + 20 ms: {(p.P95 <= budget + 20 ? "met" : "NOT met")})");
                }
                finally
                {
                    using (Process.Start("kill", ["-CONT", hung.ProcessId.ToString(CultureInfo.InvariantCulture)]))
                    {
                    }
                }
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async Task<(List<string> Hits, List<string> Missing)> SearchAsync(BenchNode node, string query, int k, CancellationToken cancellationToken)
    {
        using var response = await node.Http.GetAsync(new Uri($"/api/search?q={Uri.EscapeDataString(query)}&k={k}", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return ([.. json.RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("file").GetString() + "\n" + h.GetProperty("snippet").GetString())],
            [.. json.RootElement.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!)]);
    }

    /// <summary>Stores <paramref name="files"/> in a new node data directory (not timed), then times one indexer pass over them.</summary>
    private static async Task<(KnowledgeIndex Index, double Seconds, double CpuSeconds)> IndexPassAsync(string directory,
        IEnumerable<(int Node, string Name, byte[] Content)> files, ServiceProvider meters, CancellationToken cancellationToken)
    {
        var dataDirectory = new DataDirectory(Options.Create(new NodeOptions { DataDir = directory }));
        var database = new Database(dataDirectory, NullLogger<Database>.Instance);
        await database.MigrateAsync(Migrations.All, cancellationToken);
        var index = new KnowledgeIndex(database, TimeProvider.System);
        using var store = new FileStore(dataDirectory, database, Options.Create(new MeshMind.Files.FileOptions()), TimeProvider.System, NullLogger<FileStore>.Instance);
        foreach (var (_, name, content) in files)
        {
            await store.SaveAsync(name, "text/plain", new MemoryStream(content), cancellationToken);
        }

        using var indexer = new KnowledgeIndexer(store, index, Options.Create(new KnowledgeOptions()),
            new KnowledgeMetrics(meters.GetRequiredService<IMeterFactory>()), TimeProvider.System, NullLogger<KnowledgeIndexer>.Instance);
        var clock = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await indexer.PassAsync(cancellationToken);
        return (index, clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
    }

    /// <summary>A word no other file holds, to tell when this file is searchable.</summary>
    private static string Marker(string name) => "marker" + name.Replace("-", "", StringComparison.Ordinal).Replace(".txt", "", StringComparison.Ordinal);

    /// <summary>Pronounceable words from an index: "bakoti", "remu"…</summary>
    private static string Word(int index)
    {
        const string Consonants = "bdfgklmnprstvz";
        const string Vowels = "aeiou";
        var word = new StringBuilder();
        var n = index + 15;
        while (n > 0)
        {
            word.Append(Consonants[n % Consonants.Length]);
            n /= Consonants.Length;
            word.Append(Vowels[n % Vowels.Length]);
            n /= Vowels.Length;
        }

        return word.ToString();
    }

    /// <summary>The cumulative distribution of Zipf's law (s = 1) over <paramref name="count"/> ranks.</summary>
    private static double[] Zipf(int count)
    {
        var cumulative = new double[count];
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }

        for (var i = 0; i < count; i++)
        {
            cumulative[i] /= sum;
        }

        return cumulative;
    }

    private static byte[] Text(Random random, string[] words, double[] zipf, int size)
    {
        var text = new StringBuilder(size + 64);
        var sentence = 0;
        while (text.Length < size)
        {
            var rank = Array.BinarySearch(zipf, random.NextDouble());
            text.Append(words[rank < 0 ? Math.Min(~rank, words.Length - 1) : rank]);
            text.Append(++sentence % 12 == 0 ? ".\n" : " ");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("meshmind-search-bench-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
