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

        // Where one search's time goes, in process, on an index the size of one node's (the first node's files): what each peer
        // does for a query (FTS5 candidates, term statistics, its JSON answer) and what the asking node does with every answer.
        var phaseQueries = PhaseQueries(new Random(191), words, queries);
        using (var nodeDir = new TempDir())
        {
            var (nodeIndex, _, _) = await IndexPassAsync(nodeDir.Path, files.Where(f => f.Node == 0), meters, cancellationToken);
            await PhasesAsync(nodeIndex, phaseQueries, nodeCount, cancellationToken);
        }

        if (options.Contains("--netns"))
        {
            // The queries as the loopback mode makes them (the same seed, drawn at the same point).
            var netnsQueries = Enumerable.Range(0, queries).Select(_ =>
                string.Join(' ', Enumerable.Range(0, random.Next(2, 4)).Select(_ => words[random.Next(50, 2000)]))).ToList();
            var result = await NamespaceSearchBenchmark.RunAsync(files, nodeCount, single, netnsQueries, hungQueries, cancellationToken);
            Console.WriteLine();
            Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
            return result;
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
            int[] meshProcesses = [searcher.ProcessId, .. nodes.Select(n => n.ProcessId)];
            // Three seconds without searches after the warm-up: the framework-dependent build's JIT re-compiles hot code (tiering)
            // in the background for a while, and the nodes' CPU then is what they burn without searching (the shipped Native AOT
            // build does neither).
            var idleCpuBefore = meshProcesses.Sum(CpuMilliseconds);
            var idleClock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var idleCpuPerSecond = (meshProcesses.Sum(CpuMilliseconds) - idleCpuBefore) / idleClock.Elapsed.TotalSeconds;
            var queriesClock = Stopwatch.StartNew();
            var meshCpuBefore = meshProcesses.Sum(CpuMilliseconds);
            var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
            var recallCpu = TimeSpan.Zero;
            foreach (var query in asked)
            {
                var sent = Stopwatch.StartNew();
                var (hits, missing) = await SearchAsync(searcher, query, 10, cancellationToken);
                latencies.Add(sent.Elapsed.TotalMilliseconds);
                if (missing.Count > 0)
                {
                    throw new InvalidOperationException($"peers missing with all alive: {string.Join(", ", missing)}");
                }

                var recallStarted = Process.GetCurrentProcess().TotalProcessorTime;
                var expected = (await single.SearchAsync(SearchQuery.Parse(query).Match!, 10, cancellationToken))
                    .Select(h => h.Name + "\n" + h.Snippet).ToHashSet();
                recallCpu += Process.GetCurrentProcess().TotalProcessorTime - recallStarted;
                recalls.Add(expected.Count == 0 ? 1 : hits.ToHashSet().Count(expected.Contains) / (double)expected.Count);
            }

            var meshCpu = meshProcesses.Sum(CpuMilliseconds) - meshCpuBefore;
            var queriesSeconds = queriesClock.Elapsed.TotalSeconds;
            var alive = Percentiles.Of(latencies);
            Console.WriteLine();
            Console.WriteLine($"2. GET /api/search?k=10 on the searcher, {nodeCount} peers alive, {latencies.Count} queries: "
                + $"p50 {alive.P50:F1} ms, p95 {alive.P95:F1} ms, p99 {alive.P99:F1} ms (target p95 <= 100 ms: {(alive.P95 <= 100 ? "met" : "NOT met")})");
            Console.WriteLine($"   CPU of the {meshProcesses.Length} node processes (searcher and peers, /proc/PID/stat) during those queries: "
                + $"{meshCpu / (double)latencies.Count:F1} CPU-ms per query over {queriesSeconds:F1} s (JIT tiering of the framework-dependent build included; "
                + $"{idleCpuPerSecond:F0} CPU-ms a second in the 3 s before, without searches); load average {loadBefore} before, {File.ReadAllText("/proc/loadavg").Trim()} after "
                + $"(the bench's own single-index recall searches took {recallCpu.TotalMilliseconds / latencies.Count:F1} CPU-ms per query, not counted)");
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

    /// <summary>A process's user and system CPU so far, in milliseconds (clock ticks of /proc/PID/stat, 100 a second).</summary>
    internal static long CpuMilliseconds(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10;
    }

    /// <summary>Queries as phase 2 asks them (two or three words of ranks 50..2000), from their own seed.</summary>
    private static List<string> PhaseQueries(Random random, string[] words, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(2, 4)).Select(_ => words[random.Next(50, 2000)])))];

    /// <summary>Times each step of a search on one node's index, in process (each query twice, the second timed), and prints the means and p95s.</summary>
    private static async Task PhasesAsync(KnowledgeIndex index, List<string> queries, int nodeCount, CancellationToken cancellationToken)
    {
        var candidates = 2 * MeshSearch.DefaultHits;
        var phases = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Add(string phase, long from) => (phases.TryGetValue(phase, out var list) ? list : phases[phase] = []).Add(Stopwatch.GetElapsedTime(from).TotalMilliseconds);
        var bytes = new List<double>();
        var matched = new List<double>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (var round = 0; round < 2; round++)
        {
            foreach (var query in queries)
            {
                var timed = round == 1;
                var match = SearchQuery.Parse(query).Match!;
                var terms = SearchQuery.Searched(query);
                var t = Stopwatch.GetTimestamp();
                var hits = await index.SearchAsync(match, candidates, cancellationToken);
                if (timed) Add("peer: FTS5 candidates (MATCH, ORDER BY rank LIMIT 20, snippet)", t);
                t = Stopwatch.GetTimestamp();
                var statistics = await index.StatisticsAsync(terms, cancellationToken);
                if (timed) Add("peer: term statistics (chunk counts, fts5vocab per term)", t);
                t = Stopwatch.GetTimestamp();
                var json = JsonSerializer.SerializeToUtf8Bytes(new MeshMind.Knowledge.Peers.PeerSearchResponse(hits, statistics, []),
                    MeshMind.Knowledge.Peers.PeerSearchJsonContext.Default.PeerSearchResponse);
                if (timed) Add("peer: JSON answer (serialize)", t);
                t = Stopwatch.GetTimestamp();
                var parsed = JsonSerializer.Deserialize(json, MeshMind.Knowledge.Peers.PeerSearchJsonContext.Default.PeerSearchResponse)!;
                if (timed) Add("asker: JSON answer (parse), one peer", t);
                t = Stopwatch.GetTimestamp();
                var mesh = TermStatistics.Sum(Enumerable.Repeat(parsed.Statistics!, nodeCount + 1));
                var ranked = Enumerable.Repeat(parsed.Hits, nodeCount).SelectMany(h => h)
                    .Select(h => GlobalBm25.Score(h.Text, terms, mesh)).OrderByDescending(x => x).ToList();
                if (timed) Add($"asker: global BM25 of {nodeCount} peers' candidates", t);
                if (timed)
                {
                    bytes.Add(json.Length);
                    matched.Add(statistics.ChunksWithTerm.Values.Sum());
                }
            }
        }

        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine();
        Console.WriteLine($"   phases of one search on one node's index (in process, {queries.Count} queries, each asked twice, the second timed; "
            + $"chunks holding a query word: mean {matched.Average():F0}; a peer's answer {bytes.Average() / 1024:F1} KiB on average):");
        foreach (var (phase, list) in phases)
        {
            var p = Percentiles.Of(list);
            Console.WriteLine($"     {phase,-70} mean {list.Average(),6:F2} ms, p50 {p.P50,6:F2}, p95 {p.P95,6:F2}");
        }

        Console.WriteLine($"   CPU of the bench process over both rounds: {cpu / (2 * queries.Count):F2} CPU-ms per query");
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
    internal static string Marker(string name) => "marker" + name.Replace("-", "", StringComparison.Ordinal).Replace(".txt", "", StringComparison.Ordinal);

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
