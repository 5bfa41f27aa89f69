using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MeshMind.Bench.Files;
using MeshMind.Bench.Llm;
using MeshMind.FakeOllama;

namespace MeshMind.Bench.Models;

/// <summary>
/// Copying a model between two node processes on 127.0.0.1 (issue 17): a model of one large blob in node A's Ollama models
/// directory is copied to node B (<c>POST /api/models/copy</c> on B: fetched over the mutual-TLS mesh port, every 1 MiB
/// block and the whole blob verified, written and renamed into B's models directory), against a proxied download of a
/// shared file of the same size on the same run (B fetches it from A over the mesh and hashes it). Then a copy is cut by
/// kill -9 of B halfway, B is started again on its data directory, and the copy run again: A's served-bytes counter says
/// what was sent twice. With <c>--sources N</c>, N - 1 more nodes (each with its own fake Ollama reading A's models directory)
/// hold the same model, and every copy takes its blocks from all N at once.
/// </summary>
internal static class ModelCopyBenchmark
{
    private const string Model = "bench:big";
    private const string FileName = "big.bin";

    public static async Task<int> RunAsync(string[] options)
    {
        var sizeMib = BenchArgs.Int(options, "--size-mib", 1024);
        var runs = BenchArgs.Int(options, "--runs", 3);
        var sources = BenchArgs.Int(options, "--sources", 1);
        if (options.Contains("--netns"))
        {
            return await NamespaceModelCopyBenchmark.RunAsync(sizeMib, runs);
        }

        var cancellationToken = CancellationToken.None;
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        var root = Directory.CreateTempSubdirectory("meshmind-bench-models-").FullName;
        try
        {
            var modelsA = Path.Combine(root, "models-a");
            var modelsB = Path.Combine(root, "models-b");
            Directory.CreateDirectory(Path.Combine(modelsB, "blobs"));
            var clock = Stopwatch.StartNew();
            var weights = WriteModel(modelsA, Model, sizeMib);
            Console.WriteLine($"model {Model}: one blob of {sizeMib} MiB ({weights[7..19]}), written in {clock.Elapsed.TotalSeconds:F1} s");
            await using var ollamaA = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { ModelsDir = modelsA, Models = [] }, cancellationToken: cancellationToken);
            await using var ollamaB = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { ModelsDir = modelsB, Models = [] }, cancellationToken: cancellationToken);
            await using var a = await BenchNode.StartAsync("a", ollamaA.BaseAddress.ToString(), [], cancellationToken,
                new Dictionary<string, string> { ["MESHMIND__Llm__OllamaModelsDir"] = modelsA });
            // More holders of the same model: nodes whose Ollama reads A's models directory (serving only reads it).
            var extras = new List<(FakeOllamaServer Ollama, BenchNode Node)>();
            for (var i = 1; i < sources; i++)
            {
                var ollama = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { ModelsDir = modelsA, Models = [] }, cancellationToken: cancellationToken);
                extras.Add((ollama, await BenchNode.StartAsync($"a{i + 1}", ollama.BaseAddress.ToString(), [], cancellationToken,
                    new Dictionary<string, string> { ["MESHMIND__Llm__OllamaModelsDir"] = modelsA })));
            }

            List<BenchNode> holders = [a, .. extras.Select(x => x.Node)];
            var environmentB = new Dictionary<string, string> { ["MESHMIND__Llm__OllamaModelsDir"] = modelsB };
            string[] argumentsB = [.. holders.SelectMany(h => new[] { "--peer", $"127.0.0.1:{h.MeshPort}" })];
            var b = await BenchNode.StartAsync("b", ollamaB.BaseAddress.ToString(), argumentsB, cancellationToken, environmentB);
            try
            {
                await NodeLinks.UntilLinkedAsync(b, [.. holders.Select(h => h.NodeId)], cancellationToken);
                await NodeLinks.UntilLinkedAsync(a, [b.NodeId], cancellationToken);
                await UntilHeldByAsync(b, holders, cancellationToken);
                Console.WriteLine($"node A ({a.NodeId[..12]}, mesh port {a.MeshPort}), node B ({b.NodeId[..12]}, static peer A), loopback; CPUs: {Environment.ProcessorCount}; "
                    + $"holders of the model: {holders.Count} (each copy takes blocks from all of them)");
                await ServedAsync(holders, cancellationToken); // Starts the holders' meter listeners, so what follows is counted.

                using var httpA = NodeLinks.LongClient(a);
                using var content = new GeneratedContent(sizeMib);
                await Transfer.UploadAsync(httpA, FileName, content, cancellationToken);
                var proxied = $"/api/peers/{a.NodeId}/files/{FileName}";

                // The first copy also has A hash the blob for its block list (kept for later copies): measured on its own.
                var cold = await CopyAsync(b, a, sizeMib, modelsB, weights, cancellationToken);
                Console.WriteLine();
                Console.WriteLine($"1. First copy of {sizeMib} MiB (A computes the blob's block list first): {cold.Rate:F0} MB/s in {cold.Seconds:F2} s, {cold.Result}");

                using var httpB = NodeLinks.LongClient(b);
                await Transfer.DownloadAsync(httpB, proxied, cancellationToken); // warm-up
                var fileRates = new List<double>();
                var copyRates = new List<double>();
                // CPU time per path and process: what each byte costs whatever else the machine does (the rates above are
                // bound by these two cores, which A, B and this process share).
                var cpu = new CpuMeter([("bench", Environment.ProcessId), ("A", a.ProcessId), ("B", b.ProcessId)]);
                var fileCpu = new TimeSpan[3];
                var copyCpu = new TimeSpan[3];
                for (var run = 0; run < runs; run++)
                {
                    var before = cpu.Read();
                    var download = await Transfer.DownloadAsync(httpB, proxied, cancellationToken);
                    cpu.AddSince(before, fileCpu);
                    fileRates.Add(download.MegabytesPerSecond);
                    before = cpu.Read();
                    var copy = await CopyAsync(b, a, sizeMib, modelsB, weights, cancellationToken);
                    cpu.AddSince(before, copyCpu);
                    copyRates.Add(copy.Result == "ok" ? copy.Rate : 0);
                }

                var ratio = Percentiles.Median(copyRates) / Percentiles.Median(fileRates);
                Console.WriteLine();
                Console.WriteLine($"2. {runs} runs taking turns (MB/s, request to last byte / to the success line)");
                Console.WriteLine($"  {"path",-48} | {"median",7}{"min",7}{"max",7}");
                Console.WriteLine($"  {"proxied file download through B (hashed)",-48} | {Percentiles.Median(fileRates),7:F0}{fileRates.Min(),7:F0}{fileRates.Max(),7:F0}");
                Console.WriteLine($"  {"model copy to B (blocks + digest verified, installed)",-48} | {Percentiles.Median(copyRates),7:F0}{copyRates.Min(),7:F0}{copyRates.Max(),7:F0}");
                Console.WriteLine($"  copy / proxied: {ratio:P1}; target >= 90 %: {Table.Verdict(ratio >= 0.90)}");
                var megabytes = runs * sizeMib * 1.048576;
                Console.WriteLine($"  CPU ms per MB, proxied file: {cpu.Describe(fileCpu, megabytes, t => t.TotalMilliseconds)} (the bench hashes what it reads)");
                Console.WriteLine($"  CPU ms per MB, model copy:   {cpu.Describe(copyCpu, megabytes, t => t.TotalMilliseconds)}");
                double PerMb(TimeSpan[] sums, int i) => sums[i].TotalMilliseconds / megabytes;
                Console.WriteLine($"  on machines of their own, each side bound by one core: proxied A {1000 / PerMb(fileCpu, 1):F0} / B {1000 / PerMb(fileCpu, 2):F0} MB/s, "
                    + $"copy A {1000 / PerMb(copyCpu, 1):F0} / B {1000 / PerMb(copyCpu, 2):F0} MB/s (a gigabit link carries about 117 MB/s)");

                // 3. kill -9 of the receiver halfway, then the copy again.
                Uninstall(modelsB, weights);
                var cut = StartCopy(b, a, cancellationToken);
                var reached = await WaitForProgressAsync(cut.Lines, weights, (long)sizeMib * 1024 * 1024 / 2, cancellationToken);
                await b.KillAsync();
                Console.WriteLine();
                Console.WriteLine($"3. Copy cut by kill -9 of B at {reached / 1e6:F0} MB reported of {sizeMib * 1.048576:F0} MB; B started again on its data directory");
                var directory = b.WorkDirectory;
                // The killed node is not disposed (that would delete its data directory); the new one deletes it at the end.
                b = await BenchNode.StartAsync("b", ollamaB.BaseAddress.ToString(), argumentsB, cancellationToken, environmentB, directory);
                await NodeLinks.UntilLinkedAsync(b, [.. holders.Select(h => h.NodeId)], cancellationToken);
                await UntilHeldByAsync(b, holders, cancellationToken);
                var servedBefore = await ServedAsync(holders, cancellationToken);
                var again = await CopyAsync(b, a, sizeMib, modelsB, weights, cancellationToken, uninstall: false);
                var resent = await ServedAsync(holders, cancellationToken) - servedBefore;
                var size = (long)sizeMib * 1024 * 1024;
                Console.WriteLine($"  resumed copy: {again.Result}; B kept {again.Kept / 1e6:F0} MB of verified blocks; the {holders.Count} holders sent {resent / 1e6:F0} MB again "
                    + $"(= size - kept: {Table.Verdict(resent == size - again.Kept)}) in {again.Seconds:F2} s");
            }
            finally
            {
                await b.DisposeAsync();
                foreach (var (ollama, node) in extras)
                {
                    await node.DisposeAsync();
                    await ollama.DisposeAsync();
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private sealed record CopyResult(double Seconds, double Rate, string Result, long Kept);

    private sealed record RunningCopy(Task<HttpResponseMessage> Response, System.Threading.Channels.Channel<JsonElement> Lines);

    /// <summary>Writes <paramref name="name"/> into an Ollama models directory: a config, one blob of random MiBs, the manifest. Returns the blob's digest.</summary>
    internal static string WriteModel(string modelsDir, string name, int sizeMib)
    {
        var blobs = Path.Combine(modelsDir, "blobs");
        Directory.CreateDirectory(blobs);
        var temporary = Path.Combine(blobs, "writing");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(temporary))
        {
            var random = new Random(42);
            var block = new byte[1 << 20];
            for (var i = 0; i < sizeMib; i++)
            {
                random.NextBytes(block);
                hash.AppendData(block);
                file.Write(block);
            }
        }

        var digest = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        File.Move(temporary, FakeOllamaServer.BlobPath(modelsDir, digest));
        var config = Encoding.UTF8.GetBytes("""{"model_format":"gguf"}""");
        var configDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(config));
        File.WriteAllBytes(FakeOllamaServer.BlobPath(modelsDir, configDigest), config);
        var manifest = $$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"{{digest}}","size":{{(long)sizeMib << 20}}}]}""";
        var path = FakeOllamaServer.ManifestPath(modelsDir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, manifest);
        return digest;
    }

    internal static void Uninstall(string modelsDir, string weights)
    {
        foreach (var path in new[] { FakeOllamaServer.BlobPath(modelsDir, weights), FakeOllamaServer.ManifestPath(modelsDir, Model) })
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    private static RunningCopy StartCopy(BenchNode to, BenchNode from, CancellationToken cancellationToken)
    {
        var lines = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
        var http = NodeLinks.LongClient(to);
        var response = Task.Run(async () =>
        {
            try
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/copy") { Content = JsonContent.Create(new { model = Model, from_node_id = from.NodeId }) };
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    lines.Writer.TryWrite(JsonDocument.Parse(line).RootElement.Clone());
                }

                return response;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return new HttpResponseMessage(System.Net.HttpStatusCode.BadGateway);
            }
            finally
            {
                lines.Writer.TryComplete();
                http.Dispose();
            }
        }, cancellationToken);
        return new RunningCopy(response, lines);
    }

    private static async Task<long> WaitForProgressAsync(System.Threading.Channels.Channel<JsonElement> lines, string digest, long bytes, CancellationToken cancellationToken)
    {
        await foreach (var line in lines.Reader.ReadAllAsync(cancellationToken))
        {
            if (line.TryGetProperty("digest", out var d) && d.GetString() == digest && line.GetProperty("completed").GetInt64() is var completed && completed >= bytes)
            {
                return completed;
            }
        }

        throw new InvalidOperationException("the copy ended before it was halfway");
    }

    private static async Task<CopyResult> CopyAsync(BenchNode to, BenchNode from, int sizeMib, string modelsB, string weights, CancellationToken cancellationToken, bool uninstall = true)
    {
        if (uninstall)
        {
            Uninstall(modelsB, weights);
        }

        var clock = Stopwatch.StartNew();
        var copy = StartCopy(to, from, cancellationToken);
        long? kept = null;
        JsonElement last = default;
        await foreach (var line in copy.Lines.Reader.ReadAllAsync(cancellationToken))
        {
            last = line;
            if (kept is null && line.TryGetProperty("digest", out var d) && d.GetString() == weights)
            {
                kept = line.GetProperty("completed").GetInt64();
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        using var response = await copy.Response;
        var ok = last.ValueKind == JsonValueKind.Object && last.TryGetProperty("status", out var s) && s.GetString() == "success"
            && new FileInfo(FakeOllamaServer.BlobPath(modelsB, weights)).Length == (long)sizeMib << 20;
        var result = ok ? "ok" : $"FAILED ({(int)response.StatusCode} {last})";
        return new CopyResult(seconds, ((long)sizeMib << 20) / 1e6 / seconds, result, kept ?? 0);
    }

    /// <summary>A's <c>meshmind.models.copy.bytes{direction="served"}</c> from its <c>/metrics</c>.</summary>
    /// <summary>Waits until <paramref name="node"/>'s inventory lists <see cref="Model"/> on every one of <paramref name="holders"/>.</summary>
    private static async Task UntilHeldByAsync(BenchNode node, List<BenchNode> holders, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var models = JsonDocument.Parse(await node.Http.GetStringAsync(new Uri("/api/models", UriKind.Relative), cancellationToken));
            var nodes = models.RootElement.EnumerateArray().Where(m => m.GetProperty("name").GetString() == Model)
                .SelectMany(m => m.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node_id").GetString())).ToHashSet();
            if (holders.All(h => nodes.Contains(h.NodeId)))
            {
                return;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{node.NodeId[..12]} does not list {Model} on every holder");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<long> ServedAsync(List<BenchNode> holders, CancellationToken cancellationToken)
    {
        long served = 0;
        foreach (var holder in holders)
        {
            served += await ServedAsync(holder, cancellationToken);
        }

        return served;
    }

    private static async Task<long> ServedAsync(BenchNode node, CancellationToken cancellationToken)
    {
        var text = await node.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("meshmind_models_copy_bytes", StringComparison.Ordinal) && l.Contains("direction=\"served\"", StringComparison.Ordinal));
        return line is null ? 0 : (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
