using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// The mesh's models (issue 17) on two linked nodes with their own Ollama: the inventory's shape, a pull onto the peer streamed
/// through this node, pulls that fail, deletes, the rights they need, and the Ollama facade speaking for both nodes.
/// </summary>
public sealed class ModelsApiTests : IAsyncLifetime
{
    private static readonly string OtherLlama = new('b', 64);
    private FakeOllamaServer _hereOllama = null!;
    private FakeOllamaServer _peerOllama = null!;
    private TestNode _here = null!;
    private TestNode _peer = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _hereOllama = await FixtureAsync();
        _peerOllama = await FixtureAsync(new FakeOllamaOptions
        {
            // The same name as here but other content, and a model only the peer has.
            Models = [new FakeModel("llama3:latest", "llama", "8.0B", 4_700_000_000) { Digest = OtherLlama }, new FakeModel("gemma:2b", "gemma", "2.5B", 1_678_000_000)],
            Loaded = ["gemma:2b"],
            Pullable = [new FakeModel("llama3.2:1b", "llama", "1.2B", 1_321_098_329)],
            PullBytesPerSecond = 8_000_000_000,
            PullInterval = TimeSpan.FromMilliseconds(20),
        });
        _here = await StartAsync("here", _hereOllama.BaseAddress.ToString());
        _peer = await StartAsync("peer", _peerOllama.BaseAddress.ToString(), [_here]);
        await UntilRoutableAsync(_here, _peer);
        await UntilRoutableAsync(_peer, _here);
        _client = await _here.CreateLoggedInClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _peer.DisposeAsync();
        await _here.DisposeAsync();
        await _peerOllama.DisposeAsync();
        await _hereOllama.DisposeAsync();
    }

    [Fact]
    public async Task Inventory_TwoNodes_EveryModelByNameAndDigest_WithItsNodes()
    {
        var models = await InventoryAsync();

        Assert.Equal(["gemma:2b", "llama3:latest", "llama3:latest", "phi3:mini"], models.Select(m => m.GetProperty("name").GetString()!).ToArray());
        var gemma = models[0];
        Assert.Equal(1_678_000_000, gemma.GetProperty("size").GetInt64());
        Assert.Equal("gemma", gemma.GetProperty("family").GetString());
        Assert.Equal("2.5B", gemma.GetProperty("parameter_size").GetString());
        Assert.Equal("Q4_0", gemma.GetProperty("quantization_level").GetString());
        Assert.Equal(64, gemma.GetProperty("digest").GetString()!.Length);
        var node = Assert.Single(gemma.GetProperty("nodes").EnumerateArray());
        Assert.Equal(Id(_peer), node.GetProperty("node_id").GetString());
        Assert.Equal("peer", node.GetProperty("name").GetString());
        Assert.True(node.GetProperty("loaded").GetBoolean());
        Assert.False(node.GetProperty("local").GetBoolean());
        var llamas = models.Where(m => m.GetProperty("name").GetString() == "llama3:latest").ToList();
        Assert.Equal(2, llamas.Select(m => m.GetProperty("digest").GetString()).Distinct().Count());
        var theirs = Assert.Single(llamas, m => m.GetProperty("digest").GetString() == OtherLlama);
        Assert.Equal(Id(_peer), Assert.Single(theirs.GetProperty("nodes").EnumerateArray()).GetProperty("node_id").GetString());
        var ours = Assert.Single(llamas, m => m.GetProperty("digest").GetString() != OtherLlama);
        var here = Assert.Single(ours.GetProperty("nodes").EnumerateArray());
        Assert.Equal(Id(_here), here.GetProperty("node_id").GetString());
        Assert.True(here.GetProperty("local").GetBoolean());
    }

    [Fact]
    public async Task Pull_OntoPeer_ProgressGrowsThenSuccess_ModelInPeersTagsAndInventory()
    {
        var (status, lines) = await PullAsync(new { model = "llama3.2:1b", node_id = Id(_peer) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pulling manifest", lines[0].GetProperty("status").GetString());
        var layer = lines.Where(l => l.TryGetProperty("total", out var t) && t.GetInt64() == 1_321_098_329).Select(Completed).ToList();
        Assert.True(layer.Distinct().Count() >= 3, $"expected growing progress, got {string.Join(", ", layer)}");
        Assert.Equal(layer.Order().ToArray(), layer.ToArray());
        Assert.Equal(1_321_098_329, layer[^1]);
        Assert.Equal("""{"status":"success"}""", lines[^1].GetRawText());
        Assert.All(lines, l => Assert.False(l.TryGetProperty("error", out _)));
        Assert.Contains(_peerOllama.Options.Models, m => m.Name == "llama3.2:1b");
        await Wait.UntilAsync(async () => (await InventoryAsync()).Any(m => m.GetProperty("name").GetString() == "llama3.2:1b"
            && m.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("node_id").GetString() == Id(_peer))), WaitLimit, "the pulled model in the inventory");
    }

    [Fact]
    public async Task Pull_OntoThisNode_DefaultNode_ThenInOwnTags()
    {
        var (status, lines) = await PullAsync(new { model = "qwen2.5:0.5b" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", lines[^1].GetProperty("status").GetString());
        // This node read its models again before saying success.
        var tags = await (await _client.GetAsync("/ollama/api/tags", Ct)).JsonAsync();
        Assert.Contains(tags.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == "qwen2.5:0.5b");
    }

    [Fact]
    public async Task Pull_UnknownModel_EndsWithError()
    {
        var (status, lines) = await PullAsync(new { model = "no-such-model:7b", node_id = Id(_peer) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(FakeOllamaServer.PullNotFound, lines[^1].GetProperty("error").GetString());
        Assert.DoesNotContain(lines, l => l.TryGetProperty("status", out var s) && s.GetString() == "success");
    }

    [Fact]
    public async Task Pull_BadInput_400_UnknownNode_404()
    {
        var missing = await _client.PostAsJsonAsync("/api/models/pull", new { node_id = Id(_peer) }, Ct);
        var spaces = await _client.PostAsJsonAsync("/api/models/pull", new { model = "llama 3" }, Ct);
        var notJson = await _client.PostAsync("/api/models/pull", new StringContent("model=llama3"), Ct);
        var unknown = await _client.PostAsJsonAsync("/api/models/pull", new { model = "llama3.2:1b", node_id = new string('f', 64) }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("model", (await missing.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, spaces.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, _peerOllama.PullRequests + _hereOllama.PullRequests);
    }

    [Fact]
    public async Task PullAndDelete_NodeWithoutOllama_HereOrAsAPeer_SayItHasNoOllama()
    {
        await using var bare = await StartAsync("bare", NoLlm, [_here]);
        await UntilLinkedAsync(_here, bare);
        using var client = await bare.CreateLoggedInClientAsync();

        var pull = await client.PostAsJsonAsync("/api/models/pull", new { model = "llama3.2:1b" }, Ct);
        var delete = await client.DeleteAsync($"/api/models/{Id(bare)}/llama3", Ct);
        var pullThere = await _client.PostAsJsonAsync("/api/models/pull", new { model = "llama3.2:1b", node_id = Id(bare) }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, pull.StatusCode);
        Assert.Contains("bare has no Ollama", (await pull.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, delete.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, pullThere.StatusCode);
        Assert.Contains("bare has no Ollama", (await pullThere.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Delete_OnPeer_GoneFromInventory_ThenNotFound()
    {
        var deleted = await _client.DeleteAsync($"/api/models/{Id(_peer)}/gemma%3A2b", Ct);
        await Wait.UntilAsync(async () => !(await InventoryAsync()).Any(m => m.GetProperty("name").GetString() == "gemma:2b"), WaitLimit, "gemma gone from the inventory");
        var again = await _client.DeleteAsync($"/api/models/{Id(_peer)}/gemma:2b", Ct);
        var unknownNode = await _client.DeleteAsync($"/api/models/{new string('f', 64)}/gemma:2b", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(_peerOllama.Options.Models, m => m.Name == "gemma:2b");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("peer has no model gemma:2b", (await again.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownNode.StatusCode);
    }

    [Fact]
    public async Task Models_WithoutSessionOrKey_401()
    {
        using var anonymous = _here.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/models", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/models/pull", new { model = "llama3.2:1b" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/api/models/{Id(_here)}/phi3:mini", Ct)).StatusCode);
        Assert.Equal(0, _hereOllama.PullRequests + _hereOllama.DeleteRequests);
    }

    [Fact]
    public async Task Facade_TagsPsShow_SpeakForBothNodes()
    {
        var tags = await (await _client.GetAsync("/ollama/api/tags", Ct)).JsonAsync();
        var ps = await (await _client.GetAsync("/api/ps", Ct)).JsonAsync();
        var show = await _client.PostAsJsonAsync("/ollama/api/show", new { model = "gemma:2b" }, Ct);
        var missing = await _client.PostAsJsonAsync("/ollama/api/show", new { model = "nope" }, Ct);

        Assert.Equal(["gemma:2b", "llama3:latest", "phi3:mini"], tags.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToArray());
        var gemma = tags.GetProperty("models")[0];
        Assert.Equal(1_678_000_000, gemma.GetProperty("size").GetInt64());
        Assert.Equal("2.5B", gemma.GetProperty("details").GetProperty("parameter_size").GetString());
        Assert.Equal(["gemma:2b", "llama3:latest"], ps.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.OK, show.StatusCode);
        Assert.Equal("gemma", (await show.JsonAsync()).GetProperty("details").GetProperty("family").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model 'nope' not found", (await missing.JsonAsync()).GetProperty("error").GetString());
    }

    private static long Completed(JsonElement line) => line.TryGetProperty("completed", out var c) ? c.GetInt64() : 0;

    private async Task<List<JsonElement>> InventoryAsync()
    {
        var response = await _client.GetAsync("/api/models", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).EnumerateArray()];
    }

    private async Task<(HttpStatusCode Status, List<JsonElement> Lines)> PullAsync(object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/pull") { Content = JsonContent.Create(body) };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = new List<JsonElement>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        while (await reader.ReadLineAsync(Ct) is { } line)
        {
            lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return (response.StatusCode, lines);
    }
}
