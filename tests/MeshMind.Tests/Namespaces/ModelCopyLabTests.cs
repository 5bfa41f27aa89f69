using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>
/// Copying a model between real <c>meshmind</c> processes in network namespaces (root only, issue 17): two hosts hold the same
/// model in their fake Ollama's models directory, a third copies it from both at once, is killed with -9 mid-copy, and resumes.
/// </summary>
[Collection(nameof(NamespaceLabs))]
public sealed class ModelCopyLabTests
{
    private const string Secret = "model-copy-lab-secret-0123456789";
    private const string Model = "labmodel:1b";
    private const int WeightBytes = (256 << 20) + 4321;
    private const long KillAfterBytes = 96L << 20;
    private static readonly TimeSpan s_copyLimit = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReceiverKilledDash9MidCopy_ResumesFromBothHolders_ResendingOnlyWhatItHadNotVerified()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(33);
        var weights = new byte[WeightBytes];
        new Random(33).NextBytes(weights);
        var weightsDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(weights));
        (string, byte[])[] layers =
        [
            ("application/vnd.ollama.image.model", weights),
            ("application/vnd.ollama.image.template", Encoding.UTF8.GetBytes("{{ .Prompt }}")),
        ];
        // Slow enough on the receiver that the kill lands mid-copy.
        var (nodes, manifestDigest) = await StartHostsAsync(lab, network, layers, [("alpha", true), ("bravo", false), ("charlie", true)],
            new() { ["MESHMIND__Llm__ModelCopyBytesPerSecond"] = (64L << 20).ToString(CultureInfo.InvariantCulture) });
        var (alpha, bravo, charlie) = (nodes[0], nodes[1], nodes[2]);
        await Labs.WaitForFullMeshAsync(nodes);
        await UntilHoldersAsync(bravo, manifestDigest, alpha, charlie);
        var copy = JsonSerializer.Serialize(new { model = Model, from_node_id = alpha.NodeId });

        // The first copy takes blocks from both holders; bravo dies once it has verified about a third.
        var cut = await CopyCutAsync(bravo, copy, weightsDigest, bravo.KillAsync);
        Assert.DoesNotContain("\"success\"", cut.Body, StringComparison.Ordinal);
        Assert.All(Lines(cut.Body).Where(p => p.Digest == weightsDigest), p => Assert.Equal(2, p.Sources));

        await bravo.StartAsync(Ct);
        await Labs.WaitForFullMeshAsync(nodes);
        await UntilHoldersAsync(bravo, manifestDigest, alpha, charlie);
        var before = (await ServedAsync(alpha), await ServedAsync(charlie));

        var second = await bravo.PostJsonAsync("/api/models/copy", copy, s_copyLimit, cancellationToken: Ct);

        var after = (await ServedAsync(alpha), await ServedAsync(charlie));
        Assert.True(second.Status == 200 && second.Body.Contains("\"success\"", StringComparison.Ordinal), $"{second.Status} {second.CurlError}: {second.Body}");
        var lines = Lines(second.Body).Where(p => p.Digest == weightsDigest).ToList();
        // What bravo kept: the blocks its state had recorded before the kill (it records them every 32 MiB), each re-checked.
        var kept = lines[0].Completed;
        Assert.InRange(kept, 32L << 20, WeightBytes - 1);
        Assert.Equal(0, kept % (1 << 20));
        Assert.All(lines, p => Assert.Equal(2, p.Sources));
        var (resentA, resentC) = (after.Item1 - before.Item1, after.Item2 - before.Item2);
        Assert.True(resentA > 0 && resentC > 0, $"alpha sent {resentA} bytes and charlie {resentC}: the resumed copy did not use both");
        // Only what bravo had not kept went over the wire again (and the template after the weights).
        Assert.Equal(WeightBytes - kept + layers[1].Item2.Length, resentA + resentC);
        var installed = await bravo.GetJsonAsync("/api/models", Ct);
        Assert.Contains(installed!.Value.EnumerateArray(), m => m.GetProperty("digest").GetString() == manifestDigest
            && m.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("node_id").GetString() == bravo.NodeId));
        Assert.Equal(weightsDigest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(
            await File.ReadAllBytesAsync(FakeOllamaServer.BlobPath(Path.Combine(lab.Root, "models-bravo"), weightsDigest), Ct))));
    }

    [Fact]
    public async Task HolderFallsSilentMidCopy_TheCopyEndsWithAClearError_WithinTheStallTimeout_AndResumesOnceItIsBack()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(34);
        var weights = new byte[WeightBytes];
        new Random(34).NextBytes(weights);
        var weightsDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(weights));
        var (nodes, manifestDigest) = await StartHostsAsync(lab, network, [("application/vnd.ollama.image.model", weights)], [("alpha", true), ("bravo", false)],
            new()
            {
                ["MESHMIND__Llm__ModelCopyBytesPerSecond"] = (64L << 20).ToString(CultureInfo.InvariantCulture),
                ["MESHMIND__Llm__ModelCopyStallTimeout"] = "00:00:02",
            });
        var (alpha, bravo) = (nodes[0], nodes[1]);
        await Labs.WaitForFullMeshAsync(nodes);
        await UntilHoldersAsync(bravo, manifestDigest, alpha);
        var copy = JsonSerializer.Serialize(new { model = Model, from_node_id = alpha.NodeId });

        // alpha's network goes silent (its link down: no reset, no bytes) once bravo has verified a third of the blob.
        var cut = await CopyCutAsync(bravo, copy, weightsDigest, () => NamespaceLab.SetLinkAsync(alpha.Host, up: false));

        Assert.True(cut.Completed, $"the copy did not end: curl {cut.CurlExitCode} {cut.CurlError}");
        Assert.DoesNotContain("\"success\"", cut.Body, StringComparison.Ordinal);
        Assert.Contains("sent nothing for 2 s", cut.Body, StringComparison.Ordinal);

        await NamespaceLab.SetLinkAsync(alpha.Host, up: true);
        await Labs.WaitForFullMeshAsync(nodes);
        await UntilHoldersAsync(bravo, manifestDigest, alpha);
        var second = await bravo.PostJsonAsync("/api/models/copy", copy, s_copyLimit, cancellationToken: Ct);

        Assert.True(second.Status == 200 && second.Body.Contains("\"success\"", StringComparison.Ordinal), $"{second.Status} {second.CurlError}: {second.Body}");
        Assert.InRange(Lines(second.Body).First(p => p.Digest == weightsDigest).Completed, 32L << 20, WeightBytes - 1); // resumed, not started again
        Assert.Equal(weightsDigest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(
            await File.ReadAllBytesAsync(FakeOllamaServer.BlobPath(Path.Combine(lab.Root, "models-bravo"), weightsDigest), Ct))));
    }

    [Fact]
    public async Task AcrossHosts_APullOnThePeerStreamsItsProgress_AndABlockCorruptedOnTheHolderIsRefused_NothingInstalled()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(35);
        var weights = new byte[16 << 20];
        new Random(35).NextBytes(weights);
        var weightsDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(weights));
        var (nodes, manifestDigest) = await StartHostsAsync(lab, network, [("application/vnd.ollama.image.model", weights)], [("alpha", true), ("bravo", false)],
            [], pullable: ["--pullable", "fresh:1b", "--pull-bytes-per-second", "2000000000"]);
        string ModelsOf(string name) => Path.Combine(lab.Root, "models-" + name);
        var (alpha, bravo) = (nodes[0], nodes[1]);
        await Labs.WaitForFullMeshAsync(nodes);
        await UntilHoldersAsync(bravo, manifestDigest, alpha);

        // A pull asked of bravo for alpha runs on alpha's Ollama, its progress streamed back across the hosts.
        var pull = await bravo.PostJsonAsync("/api/models/pull", JsonSerializer.Serialize(new { model = "fresh:1b", node_id = alpha.NodeId }), s_copyLimit,
            cancellationToken: Ct);
        Assert.True(pull.Status == 200, $"{pull.Status} {pull.CurlError}: {pull.Body}");
        var steps = pull.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        // Each layer's progress rises to its total, and the weights arrive in several steps.
        var layers = steps.Where(l => l.TryGetProperty("completed", out _)).GroupBy(l => l.GetProperty("digest").GetString()).ToList();
        Assert.NotEmpty(layers);
        foreach (var layer in layers)
        {
            var completed = layer.Select(l => l.GetProperty("completed").GetInt64()).ToList();
            Assert.Equal(completed.Order(), completed);
            Assert.Equal(layer.Last().GetProperty("total").GetInt64(), completed[^1]);
        }

        Assert.Contains(layers, l => l.Count() >= 3);
        Assert.Equal("success", steps[^1].GetProperty("status").GetString());
        await Wait.UntilAsync(async () => await bravo.GetJsonAsync("/api/models", Ct) is { } listed && listed.EnumerateArray().Any(m =>
            m.GetProperty("name").GetString() == "fresh:1b" && m.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("node_id").GetString() == alpha.NodeId)),
            Labs.Timeout, "bravo to list fresh:1b on alpha");

        // A first copy has alpha make the blob's block list; then a byte of block 2 changes under it (same size and time).
        var copy = JsonSerializer.Serialize(new { model = Model, from_node_id = alpha.NodeId });
        var first = await bravo.PostJsonAsync("/api/models/copy", copy, s_copyLimit, cancellationToken: Ct);
        Assert.True(first.Status == 200 && first.Body.Contains("\"success\"", StringComparison.Ordinal), $"{first.Status}: {first.Body}");
        foreach (var path in new[] { FakeOllamaServer.BlobPath(ModelsOf("bravo"), weightsDigest), FakeOllamaServer.ManifestPath(ModelsOf("bravo"), Model) })
        {
            File.Delete(path);
        }

        var blob = FakeOllamaServer.BlobPath(ModelsOf("alpha"), weightsDigest);
        var modified = File.GetLastWriteTimeUtc(blob);
        await using (var file = new FileStream(blob, FileMode.Open, FileAccess.Write))
        {
            file.Position = (2 << 20) + 100;
            file.WriteByte((byte)(weights[(2 << 20) + 100] ^ 0xFF));
        }

        File.SetLastWriteTimeUtc(blob, modified);
        var second = await bravo.PostJsonAsync("/api/models/copy", copy, s_copyLimit, cancellationToken: Ct);

        Assert.True(second.Completed, $"curl {second.CurlExitCode} {second.CurlError}");
        Assert.DoesNotContain("\"success\"", second.Body, StringComparison.Ordinal);
        using var last = JsonDocument.Parse(second.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Contains("'alpha' sent block 2, which does not match its block list", last.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(FakeOllamaServer.BlobPath(ModelsOf("bravo"), weightsDigest)));
        Assert.False(File.Exists(FakeOllamaServer.ManifestPath(ModelsOf("bravo"), Model)));
    }

    /// <summary>
    /// One host per entry on <paramref name="network"/> (10.213.S.11, .12, …), each a node with a fake Ollama reading its own
    /// models directory (<c>models-NAME</c> in the lab's folder); the holders' directories have the model of
    /// <paramref name="layers"/>. Returns the nodes and the model's manifest digest.
    /// </summary>
    private static async Task<(List<LabNode> Nodes, string ManifestDigest)> StartHostsAsync(NamespaceLab lab, LabSwitch network,
        IReadOnlyList<(string MediaType, byte[] Content)> layers, (string Name, bool Holds)[] hosts, Dictionary<string, string> environment,
        string[]? pullable = null)
    {
        var nodes = new List<LabNode>();
        string? manifestDigest = null;
        foreach (var (index, (name, holds)) in hosts.Index())
        {
            var host = await lab.AddHostAsync(network, 11 + index);
            var models = Path.Combine(lab.Root, "models-" + name);
            Directory.CreateDirectory(Path.Combine(models, "blobs"));
            manifestDigest = holds ? FakeOllamaServer.WriteModel(models, Model, layers) : manifestDigest;
            var ollama = await lab.StartFakeOllamaAsync(host, TimeSpan.Zero, models: null,
                extraArguments: ["--models-dir", models, .. holds ? pullable ?? [] : []], Ct);
            var settings = new Dictionary<string, string>(environment)
            {
                ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500",
                ["MESHMIND__Llm__ProbeInterval"] = "00:00:00.500",
                ["MESHMIND__Llm__OllamaModelsDir"] = models,
            };
            nodes.Add(await lab.StartNodeAsync(host, name, Secret, ["--ollama-url", ollama.BaseAddress.ToString()], settings, Ct));
        }

        return (nodes, manifestDigest!);
    }

    /// <summary>Starts a copy on <paramref name="to"/>, runs <paramref name="cut"/> once it has verified <see cref="KillAfterBytes"/> of the weights, and returns the copy's response.</summary>
    private static async Task<LabResponse> CopyCutAsync(LabNode to, string copy, string weightsDigest, Func<Task> cut)
    {
        var far = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var response = to.PostJsonAsync("/api/models/copy", copy, s_copyLimit, line =>
        {
            if (Progress(line) is { } p && p.Digest == weightsDigest && p.Completed >= KillAfterBytes)
            {
                far.TrySetResult();
            }
        }, Ct);
        await far.Task.WaitAsync(s_copyLimit, Ct);
        await cut();
        return await response;
    }

    private sealed record CopyProgress(string? Digest, long Completed, int Sources);

    /// <summary>A progress line with byte counts; null for any other line (the status curl adds, a line cut off by the kill).</summary>
    private static CopyProgress? Progress(string line)
    {
        if (!line.StartsWith('{') || !line.EndsWith('}'))
        {
            return null;
        }

        using var json = JsonDocument.Parse(line);
        var e = json.RootElement;
        return e.TryGetProperty("completed", out var completed)
            ? new CopyProgress(e.GetProperty("digest").GetString(), completed.GetInt64(), e.TryGetProperty("sources", out var s) ? s.GetInt32() : 0)
            : null;
    }

    private static IEnumerable<CopyProgress> Lines(string body) =>
        body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Progress).OfType<CopyProgress>();

    /// <summary>Waits until <paramref name="node"/>'s inventory lists the model with <paramref name="digest"/> on every holder.</summary>
    private static Task UntilHoldersAsync(LabNode node, string digest, params LabNode[] holders) =>
        Wait.UntilAsync(async () => await node.GetJsonAsync("/api/models", Ct) is { } models && models.EnumerateArray().Any(m =>
            m.GetProperty("digest").GetString() == digest
            && holders.All(h => m.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("node_id").GetString() == h.NodeId))),
            Labs.Timeout, $"{node.Name} to see {Model} on {string.Join(" and ", holders.Select(h => h.Name))}");

    /// <summary>The node's <c>meshmind_models_copy_bytes{direction="served"}</c>.</summary>
    private static async Task<long> ServedAsync(LabNode node)
    {
        var path = Path.Combine(node.Directory, "metrics.txt");
        Assert.Equal(200, await node.DownloadAsync("/metrics", path, Ct));
        var line = (await File.ReadAllLinesAsync(path, Ct)).FirstOrDefault(l =>
            l.StartsWith("meshmind_models_copy_bytes", StringComparison.Ordinal) && l.Contains("direction=\"served\"", StringComparison.Ordinal));
        return line is null ? 0 : (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
