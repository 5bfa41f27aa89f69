using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using OllamaSharp;
using OpenAI;
using OpenAI.Embeddings;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// Embeddings through the mesh: a node without an LLM answers <c>POST /v1/embeddings</c> and Ollama's <c>POST /api/embed</c>
/// with the vectors its peer's Ollama computed (the fixture's deterministic ones), with the official OpenAI .NET SDK,
/// OllamaSharp and plain HTTP; unknown models and bad bodies get clear errors and never reach a host.
/// </summary>
public sealed class EmbedTests : IAsyncLifetime
{
    private const string EmbedModel = "nomic-embed-text:latest";

    private FakeOllamaServer _ollama = null!;
    private TestNode _host = null!;
    private TestNode _thin = null!;
    private string _key = "";

    public async ValueTask InitializeAsync()
    {
        _ollama = await FixtureAsync(new FakeOllamaOptions
        {
            Models = [new("llama3:latest", "llama", "8.0B", 4_661_224_676), new(EmbedModel, "nomic-bert", "137M", 274_302_450)],
            EmbeddingDimensions = 16,
        });
        _host = await StartAsync("host", _ollama.BaseAddress.ToString());
        _thin = await StartAsync("thin", NoLlm, [_host]);
        await UntilRoutableAsync(_thin, _host);
        using var person = await _thin.CreateLoggedInClientAsync();
        var created = await person.PostAsJsonAsync("/api/keys", new { name = "embeddings" }, Ct);
        _key = (await created.JsonAsync()).GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _thin.DisposeAsync();
        await _host.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    private static float[] Expected(string input) => FakeOllamaServer.EmbeddingFor(EmbedModel, input, 16);

    private HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = _thin.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        return http;
    }

    [Fact]
    public async Task OpenAiSdk_GenerateEmbeddings_ThroughAPeer_VectorsIndexesAndUsageFromTheHost()
    {
        var client = new EmbeddingClient("nomic-embed-text", new ApiKeyCredential(_key), new OpenAIClientOptions { Endpoint = new Uri(_thin.BaseAddress, "/v1") });
        string[] inputs = ["the first text", "and a second one"];

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(inputs, cancellationToken: Ct);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal([0, 1], embeddings.Select(e => e.Index));
        Assert.Equal(Expected(inputs[0]), embeddings[0].ToFloats().ToArray());
        Assert.Equal(Expected(inputs[1]), embeddings[1].ToFloats().ToArray());
        Assert.NotEqual(embeddings[0].ToFloats().ToArray(), embeddings[1].ToFloats().ToArray());
        Assert.Equal(EmbedModel, embeddings.Model);
        Assert.Equal(FakeOllamaServer.PromptTokens(inputs), embeddings.Usage.InputTokenCount);
        Assert.Equal(embeddings.Usage.InputTokenCount, embeddings.Usage.TotalTokenCount);
        Assert.Equal(1, _ollama.EmbedRequests);
    }

    [Fact]
    public async Task V1Embeddings_FloatFormat_OneStringInput_IsAListOfNumbers()
    {
        using var http = Http();

        using var response = await http.PostAsJsonAsync("/v1/embeddings", new { model = "nomic-embed-text", input = "just one", encoding_format = "float" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("list", body.GetProperty("object").GetString());
        var item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", item.GetProperty("object").GetString());
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        Assert.Equal(Expected("just one"), item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray());
        Assert.Equal(2, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Theory]
    [InlineData("/ollama/")]
    [InlineData("/")]
    public async Task OllamaSharp_Embed_ThroughAPeer_VectorsAndStatistics(string basePath)
    {
        using var http = Http();
        http.BaseAddress = new Uri(_thin.BaseAddress, basePath);
        using var client = new OllamaApiClient(http);

        var response = await client.EmbedAsync(new OllamaSharp.Models.EmbedRequest { Model = "nomic-embed-text", Input = ["alpha beta", "gamma"] }, Ct);

        Assert.Equal(2, response.Embeddings.Count);
        Assert.Equal(Expected("alpha beta"), response.Embeddings[0]);
        Assert.Equal(Expected("gamma"), response.Embeddings[1]);
        Assert.Equal(3, response.PromptEvalCount);
        Assert.True(response.TotalDuration > 0);
        Assert.Equal(1, _ollama.EmbedRequests);
    }

    [Fact]
    public async Task ApiEmbed_UnknownFields_ReachTheHostUnchanged()
    {
        using var http = Http();
        var sent = new JsonObject
        {
            ["model"] = "nomic-embed-text",
            ["input"] = "keep my fields",
            ["truncate"] = false,
            ["keep_alive"] = "10m",
            ["options"] = new JsonObject { ["num_ctx"] = 512, ["temperature"] = 0.25 },
            ["dimensions"] = 16,
            ["some_future_field"] = new JsonObject { ["nested"] = new JsonArray(1, "two", null) },
        };

        using var response = await http.PostAsync("/ollama/api/embed", new StringContent(sent.ToJsonString(), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = _ollama.LastEmbedRequest!;
        Assert.Equal(EmbedModel, received["model"]!.GetValue<string>());
        Assert.Equal(["keep my fields"], received["input"]!.AsArray().Select(i => i!.GetValue<string>()));
        foreach (var field in new[] { "truncate", "keep_alive", "options", "dimensions", "some_future_field" })
        {
            Assert.True(JsonNode.DeepEquals(sent[field], received[field]), $"{field}: sent {sent[field]?.ToJsonString()}, host got {received[field]?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task OpenAiSdk_UnknownModel_404WithTheModelsName()
    {
        var client = new EmbeddingClient("no-such-embedder", new ApiKeyCredential(_key), new OpenAIClientOptions { Endpoint = new Uri(_thin.BaseAddress, "/v1") });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GenerateEmbeddingAsync("x", cancellationToken: Ct));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-embedder", error.Message);
        Assert.Equal(0, _ollama.EmbedRequests);
    }

    [Fact]
    public async Task ApiEmbed_UnknownModel_404InOllamasErrorForm()
    {
        using var http = Http();

        using var response = await http.PostAsJsonAsync("/ollama/api/embed", new { model = "no-such-embedder", input = "x" }, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no-such-embedder", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(0, _ollama.EmbedRequests);
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"input": "no model"}""", "model")]
    [InlineData("/v1/embeddings", """{"model": "nomic-embed-text"}""", "input")]
    [InlineData("/v1/embeddings", """{"model": "nomic-embed-text", "input": []}""", "input")]
    [InlineData("/v1/embeddings", """{"model": "nomic-embed-text", "input": [1, 2, 3]}""", "input")]
    [InlineData("/v1/embeddings", """{"model": "nomic-embed-text", "input": "x", "encoding_format": "int8"}""", "encoding_format")]
    [InlineData("/v1/embeddings", """{"model": "nomic-embed-text", "input": """, "not valid")]
    [InlineData("/ollama/api/embed", """{"input": "no model"}""", "model")]
    [InlineData("/ollama/api/embed", """{"model": "", "input": "blank model"}""", "model")]
    [InlineData("/ollama/api/embed", """{"model": "nomic-embed-text", "input": 42}""", "input")]
    [InlineData("/ollama/api/embed", """{"model": "nomic-embed-text", "input": ["ok", null]}""", "input")]
    [InlineData("/api/embed", """{"model": "nomic-embed-text"}""", "input")]
    [InlineData("/api/embed", """[1, 2]""", "not valid")]
    public async Task BadBody_400SayingWhatIsWrong_AndNothingReachesAHost(string path, string body, string mentions)
    {
        using var http = Http();

        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.JsonAsync();
        var message = path.StartsWith("/v1", StringComparison.Ordinal) ? error.GetProperty("error").GetProperty("message").GetString() : error.GetProperty("error").GetString();
        Assert.Contains(mentions, message);
        Assert.Equal(0, _ollama.EmbedRequests);
    }

    [Fact]
    public async Task ApiEmbed_BodyLargerThanChatsLimit_413()
    {
        using var http = Http();
        var huge = new string('a', 1024 * 1024 + 1);

        using var response = await http.PostAsJsonAsync("/ollama/api/embed", new { model = "nomic-embed-text", input = huge }, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, _ollama.EmbedRequests);
    }
}
