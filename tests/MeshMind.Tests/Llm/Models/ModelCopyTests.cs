using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MeshMind.FakeOllama;
using MeshMind.Infrastructure.Blocks;
using MeshMind.Llm.Models;
using MeshMind.Llm.Routing;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm.Models;

/// <summary>
/// Copying a model between real nodes on loopback (mutual TLS on the mesh port), each with its own fake Ollama and
/// models directory: install, forwarding, corruption, resume, install through Ollama's API, blocks from two holders at
/// once, and what is refused.
/// </summary>
public sealed class ModelCopyTests
{
    private const string ModelMedia = "application/vnd.ollama.image.model";
    private const string Model = "tiny:1b";
    private const string Template = "{{ .Prompt }}";
    private const string Params = """{"stop":["<|end|>"]}""";
    private static readonly int SmallLayerBytes = Template.Length + Params.Length;

    /// <summary>
    /// Two linked nodes; A's Ollama has <see cref="Model"/> on disk. B has its own Ollama and models directory. With a second
    /// holder, C ("charlie") has the same model (the same manifest and blobs) in its own directory, and is linked to B.
    /// </summary>
    private sealed class Pair : IAsyncDisposable
    {
        public FakeOllamaServer? OllamaC { get; init; }
        public TestNode? C { get; init; }
        public string? ModelsC { get; init; }

        public required TempDirectory Temp { get; init; }
        public required FakeOllamaServer OllamaA { get; init; }
        public required FakeOllamaServer OllamaB { get; init; }
        public required TestNode A { get; init; }
        public required TestNode B { get; init; }
        public required string ModelsA { get; init; }
        public required string ModelsB { get; init; }
        public required string ManifestDigest { get; init; }
        public required byte[] Weights { get; init; }

        public string WeightsDigest => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Weights));

        public async ValueTask DisposeAsync()
        {
            if (C is not null)
            {
                await C.DisposeAsync();
                await OllamaC!.DisposeAsync();
            }

            await B.DisposeAsync();
            await A.DisposeAsync();
            await OllamaB.DisposeAsync();
            await OllamaA.DisposeAsync();
            Temp.Dispose();
        }
    }

    private static async Task<Pair> PairAsync(int weightBytes = 3 * 1024 * 1024 + 12_345, bool receiverDirWritable = true, Dictionary<string, string?>? receiverFlags = null,
        bool secondHolder = false)
    {
        var temp = new TempDirectory();
        var modelsA = temp.Combine("models-a");
        var ollamaDirB = temp.Combine("models-b");
        Directory.CreateDirectory(Path.Combine(ollamaDirB, "blobs"));
        var weights = new byte[weightBytes];
        new Random(17).NextBytes(weights);
        (string, byte[])[] layers =
        [
            (ModelMedia, weights),
            ("application/vnd.ollama.image.template", Encoding.UTF8.GetBytes(Template)),
            ("application/vnd.ollama.image.params", Encoding.UTF8.GetBytes(Params)),
        ];
        var digest = FakeOllamaServer.WriteModel(modelsA, Model, layers);
        var ollamaA = await FixtureAsync(new FakeOllamaOptions { ModelsDir = modelsA });
        TestNode[] holders = [await StartAsync("alpha", ollamaA.BaseAddress.ToString(), extra: new() { ["Llm:OllamaModelsDir"] = modelsA })];
        var modelsC = temp.Combine("models-c");
        FakeOllamaServer? ollamaC = null;
        if (secondHolder)
        {
            Assert.Equal(digest, FakeOllamaServer.WriteModel(modelsC, Model, layers));
            ollamaC = await FixtureAsync(new FakeOllamaOptions { ModelsDir = modelsC });
            holders = [.. holders, await StartAsync("charlie", ollamaC.BaseAddress.ToString(), extra: new() { ["Llm:OllamaModelsDir"] = modelsC })];
        }

        var ollamaB = await FixtureAsync(new FakeOllamaOptions { ModelsDir = ollamaDirB });
        var a = holders[0];
        var flags = new Dictionary<string, string?>
        {
            // Not writable: a folder Ollama never made, so the node must go through Ollama's API.
            ["Llm:OllamaModelsDir"] = receiverDirWritable ? ollamaDirB : temp.Combine("not-ollamas"),
        };
        foreach (var (key, value) in receiverFlags ?? [])
        {
            flags[key] = value;
        }

        var b = await StartAsync("bravo", ollamaB.BaseAddress.ToString(), holders, flags);
        foreach (var holder in holders)
        {
            await UntilLinkedAsync(b, holder);
            await UntilLinkedAsync(holder, b);
        }

        if (secondHolder)
        {
            // B copies from every holder its inventory lists with the same digest: wait until it lists both.
            await Wait.UntilAsync(() => ModelInventory.Of(Service<LlmHosts>(b).Candidates()).Any(m => m.Digest == digest
                && holders.All(h => m.Nodes.Any(n => n.NodeId == Id(h)))), WaitLimit, "bravo to see the model on alpha and charlie");
        }

        return new Pair
        {
            Temp = temp, OllamaA = ollamaA, OllamaB = ollamaB, A = a, B = b, ModelsA = modelsA, ModelsB = ollamaDirB,
            ManifestDigest = digest, Weights = weights,
            C = secondHolder ? holders[1] : null, OllamaC = ollamaC, ModelsC = secondHolder ? modelsC : null,
        };
    }

    private static async Task<(HttpStatusCode Status, List<JsonElement> Lines)> CopyAsync(HttpClient client, object body, Func<JsonElement, bool>? stopAt = null,
        Func<JsonElement, Task>? onLine = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/copy") { Content = JsonContent.Create(body) };
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cut.Token);
        var lines = new List<JsonElement>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cut.Token));
        while (await reader.ReadLineAsync(cut.Token) is { } line)
        {
            var parsed = JsonDocument.Parse(line).RootElement.Clone();
            lines.Add(parsed);
            if (onLine is not null)
            {
                await onLine(parsed);
            }

            if (stopAt?.Invoke(parsed) == true)
            {
                // Cancelling a pending read aborts the connection (disposing alone would drain the response for up to
                // 2 s, letting the copy run on).
                var pending = reader.ReadLineAsync(cut.Token).AsTask();
                await cut.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
                break;
            }
        }

        return (response.StatusCode, lines);
    }

    private static async Task<JsonElement?> TagAsync(FakeOllamaServer ollama, string name)
    {
        using var http = new HttpClient { BaseAddress = ollama.BaseAddress };
        var tags = await (await http.GetAsync("/api/tags", Ct)).JsonAsync();
        return tags.GetProperty("models").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(m => m!.Value.GetProperty("name").GetString() == name);
    }

    private static string Partial(TestNode node, string digest) =>
        Path.Combine(node.DataDir, ModelCopier.PartialsFolder, "sha256-" + digest[7..] + ".partial");

    [Fact]
    public async Task Copy_IntoWritableModelsDir_ListedWithTheSameDigest_BytesIdentical_ProgressRisesToSuccess()
    {
        await using var pair = await PairAsync();
        using var onB = await pair.B.CreateLoggedInClientAsync();

        var (status, lines) = await CopyAsync(onB, new { model = Model, from_node_id = Id(pair.A) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", lines[^1].GetProperty("status").GetString());
        Assert.DoesNotContain(lines, l => l.TryGetProperty("error", out _));
        var weights = lines.Where(l => l.TryGetProperty("digest", out var d) && d.GetString() == pair.WeightsDigest).ToList();
        Assert.NotEmpty(weights);
        var completed = weights.Select(l => l.GetProperty("completed").GetInt64()).ToList();
        Assert.Equal(completed.Order(), completed);
        Assert.Equal(pair.Weights.Length, completed[^1]);
        Assert.All(weights, l => Assert.Equal(pair.Weights.Length, l.GetProperty("total").GetInt64()));

        var tag = await TagAsync(pair.OllamaB, Model);
        Assert.NotNull(tag);
        Assert.Equal(pair.ManifestDigest, tag.Value.GetProperty("digest").GetString());
        Assert.Equal(pair.Weights, await File.ReadAllBytesAsync(FakeOllamaServer.BlobPath(pair.ModelsB, pair.WeightsDigest), Ct));
        Assert.Equal(await File.ReadAllBytesAsync(FakeOllamaServer.ManifestPath(pair.ModelsA, Model), Ct),
            await File.ReadAllBytesAsync(FakeOllamaServer.ManifestPath(pair.ModelsB, Model), Ct));
        Assert.False(File.Exists(Partial(pair.B, pair.WeightsDigest)));

        // B probed its Ollama at once: the model is B's in the mesh's inventory.
        var models = await (await onB.GetAsync("/api/models", Ct)).JsonAsync();
        var nodes = models.EnumerateArray().Where(m => m.GetProperty("name").GetString() == Model).SelectMany(m => m.GetProperty("nodes").EnumerateArray());
        Assert.Contains(nodes, h => h.GetProperty("node_id").GetString() == Id(pair.B));
    }

    [Fact]
    public async Task Copy_ToAnotherNode_IsForwardedAndThatNodePulls()
    {
        await using var pair = await PairAsync();
        using var onA = await pair.A.CreateLoggedInClientAsync();

        var (status, lines) = await CopyAsync(onA, new { model = Model, from_node_id = Id(pair.A), to_node_id = Id(pair.B) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", lines[^1].GetProperty("status").GetString());
        Assert.Equal(pair.ManifestDigest, (await TagAsync(pair.OllamaB, Model))?.GetProperty("digest").GetString());
    }

    [Fact]
    public async Task Copy_BlockCorruptedAfterItsListWasMade_OnlyHolderDropped_FailsAndInstallsNothing()
    {
        await using var pair = await PairAsync();
        using var onB = await pair.B.CreateLoggedInClientAsync();
        var blob = FakeOllamaServer.BlobPath(pair.ModelsA, pair.WeightsDigest);
        var list = await Service<BlockListCache>(pair.A).GetAsync(blob, Ct);
        // The serving file changes under its cached list (same length and time): block 2 no longer matches.
        var modified = File.GetLastWriteTimeUtc(blob);
        await using (var file = new FileStream(blob, FileMode.Open, FileAccess.Write))
        {
            file.Position = 2 * list.BlockSize + 100;
            file.WriteByte((byte)(pair.Weights[2 * list.BlockSize + 100] ^ 0xFF));
        }

        File.SetLastWriteTimeUtc(blob, modified);

        var (status, lines) = await CopyAsync(onB, new { model = Model, from_node_id = Id(pair.A) });

        Assert.Equal(HttpStatusCode.OK, status);
        var error = lines[^1].GetProperty("error").GetString();
        Assert.Contains("no peer that holds " + pair.WeightsDigest + " is left", error, StringComparison.Ordinal);
        Assert.Contains("'alpha' sent block 2, which does not match its block list", error, StringComparison.Ordinal);
        Assert.False(File.Exists(FakeOllamaServer.BlobPath(pair.ModelsB, pair.WeightsDigest)));
        Assert.False(File.Exists(FakeOllamaServer.ManifestPath(pair.ModelsB, Model)));
        Assert.Null(await TagAsync(pair.OllamaB, Model));
        // What was kept for a later copy is only the two blocks before the bad one.
        Assert.Equal(2L * list.BlockSize, new FileInfo(Partial(pair.B, pair.WeightsDigest)).Length);
        var kept = JsonSerializer.Deserialize<PartialBlob>(await File.ReadAllTextAsync(Partial(pair.B, pair.WeightsDigest) + ".json", Ct), ModelCopyJsonContext.Default.Options);
        Assert.Equal(2L * list.BlockSize, kept!.Verified);
    }

    [Fact]
    public async Task Copy_CutMidway_ThenAgain_ResumesWithoutResendingVerifiedBlocks()
    {
        const int size = 16 * 1024 * 1024 + 777;
        await using var pair = await PairAsync(size, receiverFlags: new() { ["Llm:ModelCopyBytesPerSecond"] = (8 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var onB = await pair.B.CreateLoggedInClientAsync();
        var served = Service<ModelCopyMetrics>(pair.A);

        var (_, first) = await CopyAsync(onB, new { model = Model, from_node_id = Id(pair.A) },
            stopAt: l => l.TryGetProperty("completed", out var c) && c.GetInt64() >= 3 * 1024 * 1024 && l.GetProperty("total").GetInt64() == size);
        Assert.DoesNotContain(first, l => l.TryGetProperty("status", out var s) && s.GetString() == "success");

        // The cut copy saves what it verified when it ends (at least the 3 MiB it reported; the state it wrote when it began says
        // 0, and was once read here just before the final one replaced it), then lets go of the model.
        var state = Partial(pair.B, pair.WeightsDigest) + ".json";
        PartialBlob? kept = null;
        await Wait.UntilAsync(async () =>
        {
            kept = File.Exists(state) ? JsonSerializer.Deserialize<PartialBlob>(await File.ReadAllTextAsync(state, Ct), ModelCopyJsonContext.Default.Options) : null;
            return kept is { Verified: >= 3 * 1024 * 1024 };
        }, WaitLimit, "the cut copy to save what it verified");
        List<JsonElement> second = [];
        var servedBefore = 0L;
        await Wait.UntilAsync(async () =>
        {
            servedBefore = served.BytesServed;
            var (status, lines) = await CopyAsync(onB, new { model = Model, from_node_id = Id(pair.A) });
            second = lines;
            return status == HttpStatusCode.OK;
        }, WaitLimit, "the cut copy to end");

        Assert.NotNull(kept);
        Assert.InRange(kept.Verified, 3 * 1024 * 1024, size - 1);
        Assert.Equal(0, kept.Verified % BlockList.DefaultBlockSize);
        Assert.Equal("success", second[^1].GetProperty("status").GetString());
        Assert.Equal(kept.Verified, second.First(l => l.TryGetProperty("digest", out var d) && d.GetString() == pair.WeightsDigest).GetProperty("completed").GetInt64());
        // Only the rest of the weights went over the wire again, and the two small layers after them (the config before
        // them was installed by the first copy).
        Assert.Equal(size - kept.Verified + SmallLayerBytes, served.BytesServed - servedBefore);
        Assert.Equal(pair.Weights, await File.ReadAllBytesAsync(FakeOllamaServer.BlobPath(pair.ModelsB, pair.WeightsDigest), Ct));
        Assert.Equal(pair.ManifestDigest, (await TagAsync(pair.OllamaB, Model))?.GetProperty("digest").GetString());
    }

    /// <summary>The <c>sources</c> of each progress line of the weights blob.</summary>
    private static List<int> Sources(List<JsonElement> lines, Pair pair) =>
        [.. lines.Where(l => l.TryGetProperty("digest", out var d) && d.GetString() == pair.WeightsDigest).Select(l => l.GetProperty("sources").GetInt32())];

    private static async Task AssertInstalledAsync(Pair pair, List<JsonElement> lines)
    {
        Assert.Equal("success", lines[^1].GetProperty("status").GetString());
        Assert.Equal(pair.ManifestDigest, (await TagAsync(pair.OllamaB, Model))?.GetProperty("digest").GetString());
        Assert.Equal(pair.Weights, await File.ReadAllBytesAsync(FakeOllamaServer.BlobPath(pair.ModelsB, pair.WeightsDigest), Ct));
    }

    [Fact]
    public async Task Copy_TwoHoldersOfTheSameDigest_BlocksComeFromBoth_InstalledWithTheSameDigest()
    {
        await using var pair = await PairAsync(40 * 1024 * 1024 + 4321, secondHolder: true);
        using var onB = await pair.B.CreateLoggedInClientAsync();
        var (servedA, servedC) = (Service<ModelCopyMetrics>(pair.A), Service<ModelCopyMetrics>(pair.C!));

        var (status, lines) = await CopyAsync(onB, new { model = Model, from_node_id = Id(pair.A) });

        Assert.Equal(HttpStatusCode.OK, status);
        await AssertInstalledAsync(pair, lines);
        Assert.All(Sources(lines, pair), s => Assert.Equal(2, s));
        Assert.True(servedA.BytesServed > 0, "alpha, the node asked for, served nothing");
        Assert.True(servedC.BytesServed >= ModelCopier.RangeBlocks * BlockList.DefaultBlockSize, $"charlie served {servedC.BytesServed} bytes");
        // Each block went over the wire once: from one holder or the other.
        Assert.InRange(servedA.BytesServed + servedC.BytesServed, pair.Weights.Length, pair.Weights.Length + 64 * 1024);
    }

    [Fact]
    public async Task Copy_OneHolderSendsBadBlocks_ItIsDroppedAndItsBlocksComeFromTheOther()
    {
        await using var pair = await PairAsync(40 * 1024 * 1024 + 4321, secondHolder: true);
        using var onB = await pair.B.CreateLoggedInClientAsync();
        // Charlie's copy of the weights went bad on its disk: one byte of every block differs.
        var blob = FakeOllamaServer.BlobPath(pair.ModelsC!, pair.WeightsDigest);
        await using (var file = new FileStream(blob, FileMode.Open, FileAccess.Write))
        {
            for (long at = 100; at < pair.Weights.Length; at += BlockList.DefaultBlockSize)
            {
                file.Position = at;
                file.WriteByte((byte)(pair.Weights[at] ^ 0xFF));
            }
        }

        var (status, lines) = await CopyAsync(onB, new { model = Model, from_node_id = Id(pair.A) });

        Assert.Equal(HttpStatusCode.OK, status);
        await AssertInstalledAsync(pair, lines);
        Assert.True(Service<ModelCopyMetrics>(pair.C!).BytesServed > 0, "charlie was never asked for a block");
        Assert.Equal(1, Sources(lines, pair)[^1]);
        // Dropped at its first bad block (one per range it had taken), reported by the count of sources falling to one.
        Assert.InRange(Service<ModelCopyMetrics>(pair.B).BlocksRefused, 1, ModelCopier.RangesPerSource);
    }

    [Fact]
    public async Task Copy_NodeAskedForStopsMidCopy_TheOtherHolderFinishesIt()
    {
        await using var pair = await PairAsync(40 * 1024 * 1024 + 4321, secondHolder: true,
            receiverFlags: new() { ["Llm:ModelCopyBytesPerSecond"] = (8 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var onB = await pair.B.CreateLoggedInClientAsync();
        var stopped = false;

        var (status, lines) = await CopyAsync(onB, new { model = Model, from_node_id = Id(pair.A) }, onLine: async l =>
        {
            if (!stopped && l.TryGetProperty("completed", out var c) && c.GetInt64() >= 8 * 1024 * 1024 && l.GetProperty("total").GetInt64() == pair.Weights.Length)
            {
                stopped = true;
                // A cancelled stop: Kestrel aborts every connection at once instead of letting the responses in flight finish
                // (the node's other services then say they were cancelled).
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pair.A.App.StopAsync(new CancellationToken(canceled: true)));
            }
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(stopped, "the copy ended before alpha could be stopped");
        await AssertInstalledAsync(pair, lines);
        var sources = Sources(lines, pair);
        Assert.Equal(2, sources[0]);
        Assert.Equal(1, sources[^1]);
        Assert.True(Service<ModelCopyMetrics>(pair.C!).BytesServed > 0);
    }

    [Fact]
    public async Task Copy_ModelsDirNotWritable_InstallsThroughOllamasBlobsAndCreate()
    {
        await using var pair = await PairAsync(receiverDirWritable: false);
        using var onB = await pair.B.CreateLoggedInClientAsync();

        var (status, lines) = await CopyAsync(onB, new { model = Model, from_node_id = Id(pair.A) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", lines[^1].GetProperty("status").GetString());
        Assert.Equal(pair.Weights.Length, pair.OllamaB.BlobBytesReceived);
        var create = Assert.Single(pair.OllamaB.CreateRequests);
        Assert.Equal(Model, create["model"]!.GetValue<string>());
        Assert.Equal(pair.WeightsDigest, create["files"]!["model.gguf"]!.GetValue<string>());
        Assert.Equal("{{ .Prompt }}", create["template"]!.GetValue<string>());
        Assert.Equal("<|end|>", create["parameters"]!["stop"]![0]!.GetValue<string>());
        Assert.NotNull(await TagAsync(pair.OllamaB, Model));
        Assert.Equal(pair.Weights, await File.ReadAllBytesAsync(FakeOllamaServer.BlobPath(pair.ModelsB, pair.WeightsDigest), Ct));
        Assert.False(Directory.Exists(pair.Temp.Combine("not-ollamas", "blobs")));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b/c/d")]
    [InlineData("tiny:../../x")]
    [InlineData("-tiny")]
    [InlineData("C:\\\\x")]
    [InlineData("host:5000/library/tiny")]
    [InlineData("")]
    public async Task Copy_BadModelName_400(string model)
    {
        await using var pair = await PairAsync(weightBytes: 10);
        using var onB = await pair.B.CreateLoggedInClientAsync();

        using var response = await onB.PostAsJsonAsync("/api/models/copy", new { model, from_node_id = Id(pair.A) }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'model'", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_BadOrUnknownNodesAndModels_ClearErrors_AndUnauthenticated401()
    {
        await using var pair = await PairAsync(weightBytes: 10);
        using var onB = await pair.B.CreateLoggedInClientAsync();
        var stranger = new string('a', 64);

        async Task<(HttpStatusCode, string)> PostAsync(object body)
        {
            using var response = await onB.PostAsJsonAsync("/api/models/copy", body, Ct);
            return (response.StatusCode, (await response.JsonAsync()).GetProperty("error").GetString()!);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(new { model = Model, from_node_id = "../x" })).Item1);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(new { model = Model })).Item1);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(new { model = Model, from_node_id = Id(pair.B) })).Item1);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(new { model = Model, from_node_id = Id(pair.A), to_node_id = "nope" })).Item1);
        Assert.Equal((HttpStatusCode.NotFound, "'from_node_id' is no live peer of this node"), await PostAsync(new { model = Model, from_node_id = stranger }));
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(new { model = Model, from_node_id = Id(pair.A), to_node_id = stranger })).Item1);
        var (status, error) = await PostAsync(new { model = "absent:7b", from_node_id = Id(pair.A) });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("'alpha' has no model 'absent:7b'", error, StringComparison.Ordinal);
        using var huge = new StringContent(JsonSerializer.Serialize(new { model = new string('m', 10_000), from_node_id = Id(pair.A) }), Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await onB.PostAsync("/api/models/copy", huge, Ct)).StatusCode);

        using var anonymous = pair.B.CreateClient();
        using var refused = await anonymous.PostAsJsonAsync("/api/models/copy", new { model = Model, from_node_id = Id(pair.A) }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(File.Exists(FakeOllamaServer.ManifestPath(pair.ModelsB, Model)));
    }
}
