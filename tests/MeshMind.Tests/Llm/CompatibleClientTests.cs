using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using OllamaSharp;
using OllamaSharp.Models.Chat;
using OpenAI;
using OpenAI.Chat;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// Real clients against a node without an LLM of its own, so every answer crosses the mesh: the official OpenAI .NET SDK
/// on <c>/v1</c> and OllamaSharp on <c>/ollama</c>, each streaming and not, authenticated with an API key.
/// </summary>
public sealed class CompatibleClientTests : IAsyncLifetime
{
    private FakeOllamaServer _ollama = null!;
    private TestNode _host = null!;
    private TestNode _thin = null!;
    private string _key = "";

    public async ValueTask InitializeAsync()
    {
        _ollama = await FixtureAsync(new FakeOllamaOptions { TokenDelay = TimeSpan.FromMilliseconds(2) });
        _host = await StartAsync("host", _ollama.BaseAddress.ToString());
        _thin = await StartAsync("thin", NoLlm, [_host]);
        await UntilRoutableAsync(_thin, _host);
        using var person = await _thin.CreateLoggedInClientAsync();
        var created = await person.PostAsJsonAsync("/api/keys", new { name = "clients" }, Ct);
        _key = (await created.JsonAsync()).GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _thin.DisposeAsync();
        await _host.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    private ChatClient OpenAi(string model = "llama3") =>
        new(model, new ApiKeyCredential(_key), new OpenAIClientOptions { Endpoint = new Uri(_thin.BaseAddress, "/v1") });

    /// <summary>OllamaSharp resolves "api/chat" against its base address, so the /ollama base needs its trailing slash; the root works too.</summary>
    private OllamaApiClient Ollama(string basePath = "/ollama/")
    {
        var http = new HttpClient { BaseAddress = new Uri(_thin.BaseAddress, basePath) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        return new OllamaApiClient(http);
    }

    [Fact]
    public async Task OpenAiSdk_CompleteChat_ReturnsTheAnswerWithUsage()
    {
        ChatCompletion completion = await OpenAi().CompleteChatAsync([new SystemChatMessage("be brief"), new UserChatMessage("hi mesh")], cancellationToken: Ct);

        Assert.Equal("Echo from llama3:latest: hi mesh", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("llama3:latest", completion.Model);
        Assert.True(completion.Usage.OutputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task OpenAiSdk_StreamingChat_DeliversEveryTokenThenStop()
    {
        var text = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        await foreach (var update in OpenAi().CompleteChatStreamingAsync([new UserChatMessage("stream this please")], cancellationToken: Ct))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("Echo from llama3:latest: stream this please", text.ToString());
        Assert.True(updates > 4, $"expected one update per token, got {updates}");
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task OpenAiSdk_UnknownModel_GetsOpenAisErrorShape()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => OpenAi("no-such-model").CompleteChatAsync([new UserChatMessage("x")], cancellationToken: Ct));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model", error.Message);
    }

    [Fact]
    public async Task OpenAi_ModelsList_ShowsTheMeshCatalog()
    {
        using var http = new HttpClient { BaseAddress = _thin.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);

        var models = await (await http.GetAsync("/v1/models", Ct)).JsonAsync();

        Assert.Equal("list", models.GetProperty("object").GetString());
        Assert.Equal(["llama3:latest", "phi3:mini"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray());
    }

    [Fact]
    public async Task OllamaSharp_ListsTheMeshsModels_AndVersion()
    {
        using var client = Ollama();

        var models = (await client.ListLocalModelsAsync(Ct)).Select(m => m.Name).ToArray();
        var running = (await client.ListRunningModelsAsync(Ct)).Select(m => m.Name).ToArray();

        Assert.Equal(["llama3:latest", "phi3:mini"], models);
        Assert.Equal(["llama3:latest"], running);
        Assert.False(string.IsNullOrEmpty(await client.GetVersionAsync(Ct)));
    }

    [Fact]
    public async Task OllamaSharp_StreamingChat_TokensThenFinalStatistics()
    {
        using var client = Ollama();
        var chunks = new List<ChatResponseStream>();
        await foreach (var chunk in client.ChatAsync(new ChatRequest { Model = "phi3:mini", Messages = [new Message(ChatRole.User, "one two three")] }, Ct))
        {
            chunks.Add(chunk!);
        }

        Assert.True(chunks.Count > 4);
        Assert.Equal("Echo from phi3:mini: one two three", string.Concat(chunks.Select(c => c.Message?.Content)));
        var final = Assert.IsType<ChatDoneResponseStream>(chunks[^1]);
        Assert.True(final.Done);
        Assert.True(final.EvalCount > 0);
        Assert.Equal("stop", final.DoneReason);
    }

    [Theory]
    [InlineData("/ollama/")]
    [InlineData("/")]
    public async Task OllamaSharp_NonStreamingChat_OneWholeAnswer(string basePath)
    {
        using var client = Ollama(basePath);
        var chunks = new List<ChatResponseStream>();
        await foreach (var chunk in client.ChatAsync(new ChatRequest { Model = "llama3", Messages = [new Message(ChatRole.User, "all at once")], Stream = false }, Ct))
        {
            chunks.Add(chunk!);
        }

        var only = Assert.Single(chunks);
        Assert.True(only.Done);
        Assert.Equal("Echo from llama3:latest: all at once", only.Message?.Content);
    }

    [Fact]
    public async Task OllamaGenerate_StreamsResponseFields()
    {
        using var client = Ollama();
        var parts = new List<OllamaSharp.Models.GenerateResponseStream>();
        await foreach (var part in client.GenerateAsync(new OllamaSharp.Models.GenerateRequest { Model = "llama3", Prompt = "generate me" }, Ct))
        {
            parts.Add(part!);
        }

        Assert.Equal("Echo from llama3:latest: generate me", string.Concat(parts.Where(p => !p.Done).Select(p => p.Response)));
        Assert.True(parts[^1].Done);
    }

    [Fact]
    public async Task NoCredentials_Refused_OnBothApis()
    {
        using var anonymous = new HttpClient { BaseAddress = _thin.BaseAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/models", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/ollama/api/tags", Ct)).StatusCode);
        anonymous.DefaultRequestHeaders.Add("x-peer-llm", "1");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/ollama/api/chat", new { model = "llama3", messages = Array.Empty<object>() }, Ct)).StatusCode);
        Assert.Equal(0, _ollama.Requests);
    }
}
