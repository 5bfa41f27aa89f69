using System.Net;
using System.Net.Http.Json;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>Where embeddings run: failover from a failing local LLM to a peer, and a node whose LLM is an OpenAI-compatible server.</summary>
public sealed class EmbedRoutingTests
{
    private const string EmbedModel = "nomic-embed-text:latest";

    private static FakeOllamaOptions Embedder(FakeFault fault = FakeFault.None) => new()
    {
        Models = [new(EmbedModel, "nomic-bert", "137M", 274_302_450)],
        Fault = fault,
    };

    [Fact]
    public async Task ApiEmbed_LocalOllamaFails_FailsOverToThePeerThatHostsTheModel()
    {
        await using var broken = await FixtureAsync(Embedder(FakeFault.ServerError));
        await using var healthy = await FixtureAsync(Embedder());
        await using var host = await StartAsync("host", healthy.BaseAddress.ToString());
        await using var node = await StartAsync("node", broken.BaseAddress.ToString(), [host]);
        await UntilLocalLlmAsync(node);
        await UntilRoutableAsync(node, host);
        using var client = await node.CreateLoggedInClientAsync();

        using var response = await client.PostAsJsonAsync("/api/embed", new { model = "nomic-embed-text", input = new[] { "fail over" } }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var vector = (await response.JsonAsync()).GetProperty("embeddings")[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(FakeOllamaServer.EmbeddingFor(EmbedModel, "fail over", healthy.Options.EmbeddingDimensions), vector);
        // This node's own LLM, ranked first while it has a free slot, was tried and failed; the peer answered.
        Assert.Equal(1, broken.EmbedRequests);
        Assert.Equal(1, healthy.EmbedRequests);
    }

    [Fact]
    public async Task ApiEmbed_NodeWithAnOpenAiBackend_AsksItsEmbeddingsEndpoint()
    {
        await using var ollama = await FixtureAsync(Embedder());
        await using var server = await StartAsync("server", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(server);
        string key;
        using (var owner = await server.CreateLoggedInClientAsync())
        {
            key = (await (await owner.PostAsJsonAsync("/api/keys", new { name = "backend" }, Ct)).JsonAsync()).GetProperty("key").GetString()!;
        }

        await using var node = await StartAsync("openai-node", NoLlm, extra: new()
        {
            ["Llm:Backend"] = "openai",
            ["Llm:OpenAiUrl"] = new Uri(server.BaseAddress, "v1").ToString(),
            ["Llm:OpenAiKey"] = key,
        });
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        using var response = await client.PostAsJsonAsync("/ollama/api/embed", new { model = EmbedModel, input = new[] { "one", "two words" } }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var vectors = body.GetProperty("embeddings").EnumerateArray().Select(e => e.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.Equal(2, vectors.Length);
        Assert.Equal(FakeOllamaServer.EmbeddingFor(EmbedModel, "one", ollama.Options.EmbeddingDimensions), vectors[0]);
        Assert.Equal(FakeOllamaServer.EmbeddingFor(EmbedModel, "two words", ollama.Options.EmbeddingDimensions), vectors[1]);
        Assert.Equal(3, body.GetProperty("prompt_eval_count").GetInt32());
        Assert.Equal(1, ollama.EmbedRequests);
    }
}
