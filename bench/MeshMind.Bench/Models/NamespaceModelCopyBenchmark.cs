using System.Diagnostics;
using System.Text.Json;
using MeshMind.Bench.Llm;
using MeshMind.Testing;

namespace MeshMind.Bench.Models;

/// <summary>
/// <c>modelcopy --netns</c>: the model copy of <see cref="ModelCopyBenchmark"/> between two hosts in network namespaces on one
/// bridge (real <c>meshmind</c> processes, each with a fake Ollama process in its own namespace, its models directory on
/// the shared disk), against the proxied download of a shared file of the same size through the receiver on the same run
/// (curl in the receiver's namespace, to <c>/dev/null</c>).
/// </summary>
internal static class NamespaceModelCopyBenchmark
{
    private const string Secret = "bench-model-copy-secret-0123456789";
    private const string Model = "bench:big";
    private const string FileName = "big.bin";
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(int sizeMib, int runs)
    {
        if (await NamespaceLab.UnavailableAsync() is { } reason)
        {
            Console.Error.WriteLine($"modelcopy --netns unavailable: {reason}");
            return 2;
        }

        var cancellationToken = CancellationToken.None;
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        await using var lab = await NamespaceLab.CreateAsync();
        var network = await lab.AddSwitchAsync(71);
        var modelsA = Path.Combine(lab.Root, "models-a");
        var modelsB = Path.Combine(lab.Root, "models-b");
        Directory.CreateDirectory(Path.Combine(modelsB, "blobs"));
        var clock = Stopwatch.StartNew();
        var weights = ModelCopyBenchmark.WriteModel(modelsA, Model, sizeMib);
        Console.WriteLine($"model {Model}: one blob of {sizeMib} MiB ({weights[7..19]}), written in {clock.Elapsed.TotalSeconds:F1} s");
        var nodes = new List<LabNode>();
        foreach (var (number, name, models) in new[] { (11, "alpha", modelsA), (12, "bravo", modelsB) })
        {
            var host = await lab.AddHostAsync(network, number);
            var ollama = await lab.StartFakeOllamaAsync(host, TimeSpan.Zero, models: null, extraArguments: ["--models-dir", models], cancellationToken);
            var environment = new Dictionary<string, string>
            {
                ["MESHMIND__Llm__OllamaModelsDir"] = models,
                ["MESHMIND__Llm__ProbeInterval"] = "00:00:01",
                // The shared file is as large as the model, and multipart adds a little: room above the 2 GiB default.
                ["MESHMIND__Files__MaxUploadBytes"] = (((long)sizeMib << 20) + (1L << 30)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            nodes.Add(await lab.StartNodeAsync(host, name, Secret, ["--ollama-url", ollama.BaseAddress.ToString()], environment, cancellationToken));
        }

        var (alpha, bravo) = (nodes[0], nodes[1]);
        await UntilAsync(async () => (await bravo.LinkStatesAsync(cancellationToken))?.GetValueOrDefault(alpha.NodeId!) == "up", "bravo to link to alpha");
        await UntilAsync(async () => (await bravo.GetJsonAsync("/api/models", cancellationToken))?.EnumerateArray()
            .Any(m => m.GetProperty("name").GetString() == Model) == true, "bravo to list the model on alpha");
        Console.WriteLine($"alpha {alpha.Host.Address} ({alpha.NodeId![..12]}) holds the model; bravo {bravo.Host.Address} receives; one bridge; CPUs: {Environment.ProcessorCount}");

        var content = Path.Combine(lab.Root, FileName);
        await using (var file = File.Create(content))
        {
            var random = new Random(7);
            var block = new byte[1 << 20];
            for (var i = 0; i < sizeMib; i++)
            {
                random.NextBytes(block);
                await file.WriteAsync(block, cancellationToken);
            }
        }

        var uploaded = await alpha.UploadAsync(content, FileName, s_limit, cancellationToken);
        File.Delete(content);
        if (uploaded is not (200 or 201))
        {
            Console.Error.WriteLine($"modelcopy --netns: the upload to alpha answered {uploaded}");
            return 1;
        }

        var proxied = $"/api/peers/{alpha.NodeId}/files/{FileName}";
        var cold = await CopyAsync(bravo, alpha, modelsB, weights, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"1. First copy of {sizeMib} MiB (alpha computes the blob's block list first): {Rate(sizeMib, cold.Seconds):F0} MB/s, {cold.Result}");
        await DownloadAsync(bravo, proxied, sizeMib, cancellationToken); // warm-up

        var cpu = new CpuMeter([("alpha", alpha.ProcessId!.Value), ("bravo", bravo.ProcessId!.Value)]);
        var fileCpu = new TimeSpan[2];
        var copyCpu = new TimeSpan[2];
        var fileRates = new List<double>();
        var copyRates = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var before = cpu.Read();
            var seconds = await DownloadAsync(bravo, proxied, sizeMib, cancellationToken);
            cpu.AddSince(before, fileCpu);
            fileRates.Add(Rate(sizeMib, seconds));
            before = cpu.Read();
            var copy = await CopyAsync(bravo, alpha, modelsB, weights, cancellationToken);
            cpu.AddSince(before, copyCpu);
            copyRates.Add(copy.Result == "ok" ? Rate(sizeMib, copy.Seconds) : 0);
            Console.WriteLine($"  run {run + 1}: proxied {fileRates[^1]:F0} MB/s, copy {copyRates[^1]:F0} MB/s ({copy.Result})");
        }

        var ratio = Percentiles.Median(copyRates) / Percentiles.Median(fileRates);
        Console.WriteLine();
        Console.WriteLine($"2. {runs} runs taking turns between namespace hosts (MB/s, request to last byte / to the success line)");
        Console.WriteLine($"  {"path",-48} | {"median",7}{"min",7}{"max",7}");
        Console.WriteLine($"  {"proxied file download through bravo (hashed)",-48} | {Percentiles.Median(fileRates),7:F0}{fileRates.Min(),7:F0}{fileRates.Max(),7:F0}");
        Console.WriteLine($"  {"model copy to bravo (verified, installed)",-48} | {Percentiles.Median(copyRates),7:F0}{copyRates.Min(),7:F0}{copyRates.Max(),7:F0}");
        Console.WriteLine($"  copy / proxied: {ratio:P1}; target >= 90 %: {Table.Verdict(ratio >= 0.90)}");
        var megabytes = runs * sizeMib * 1.048576;
        Console.WriteLine($"  CPU ms per MB, proxied file: {cpu.Describe(fileCpu, megabytes, t => t.TotalMilliseconds)} (curl's own not counted)");
        Console.WriteLine($"  CPU ms per MB, model copy:   {cpu.Describe(copyCpu, megabytes, t => t.TotalMilliseconds)}");
        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static double Rate(int sizeMib, double seconds) => ((long)sizeMib << 20) / 1e6 / seconds;

    private static async Task<double> DownloadAsync(LabNode node, string path, int sizeMib, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var status = await node.DownloadAsync(path, "/dev/null", s_limit, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        return status == 200 ? seconds : throw new InvalidOperationException($"the proxied download of {sizeMib} MiB answered {status}");
    }

    private static async Task<(double Seconds, string Result)> CopyAsync(LabNode to, LabNode from, string modelsB, string weights, CancellationToken cancellationToken)
    {
        ModelCopyBenchmark.Uninstall(modelsB, weights);
        var clock = Stopwatch.StartNew();
        var response = await to.PostJsonAsync("/api/models/copy", JsonSerializer.Serialize(new { model = Model, from_node_id = from.NodeId }), s_limit,
            cancellationToken: cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var ok = response.Status == 200 && response.Body.Contains("\"success\"", StringComparison.Ordinal)
            && File.Exists(MeshMind.FakeOllama.FakeOllamaServer.BlobPath(modelsB, weights));
        return (seconds, ok ? "ok" : $"FAILED ({response.Status} {response.CurlError} {response.Body[^Math.Min(200, response.Body.Length)..]})");
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"waited 90 s for {what}");
            }

            await Task.Delay(200);
        }
    }
}
