using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using OpenAI;
using OpenAI.Chat;
using static MeshMind.Tests.Knowledge.MeshSearchTests;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Knowledge;

/// <summary>
/// The <c>/v1/chat/completions</c> extension <c>"knowledge": true</c>: the model gets the mesh's excerpts, the answer carries
/// <c>sources</c> (the JSON answer, or the last chunk before <c>[DONE]</c>), and the official OpenAI client reads such answers
/// as usual, ignoring the extra field.
/// </summary>
public sealed class KnowledgeOpenAiTests : IAsyncLifetime
{
    private const string Question = "What did the Q3 report say about churn?";
    private FakeOllamaServer _ollama = null!;
    private TestNode _files = null!;
    private TestNode _node = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _ollama = await FixtureAsync();
        _files = await StartAsync("alpha", NoLlm);
        _node = await StartAsync("bravo", _ollama.BaseAddress.ToString(), [_files]);
        await UntilLinkedAsync(_node, _files);
        await UntilLocalLlmAsync(_node);
        using var onFiles = await _files.CreateLoggedInClientAsync();
        await UploadAsync(onFiles, "holiday-plan.md", "The team holiday is in August at the lake.");
        await UploadAsync(onFiles, "q3-report.md", "Q3 report: customer churn fell to 3 percent after the onboarding redesign.");
        _client = await _node.CreateLoggedInClientAsync();
        await Wait.UntilAsync(async () => Hits(await SearchAsync(_client, "churn")).Any(), WaitLimit, "the report found from the node");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _node.DisposeAsync();
        await _files.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    [Fact]
    public async Task ChatCompletions_Knowledge_GivesTheModelTheExcerpts_AndReturnsTheSources_UnknownFieldsStillAccepted()
    {
        using var response = await _client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "llama3",
            messages = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = Question } },
            knowledge = true,
            some_future_field = new { anything = 1 },
        }, Ct);
        using var plain = await _client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "llama3",
            messages = new object[] { new { role = "user", content = Question } },
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.JsonAsync();
        var source = answer.GetProperty("sources").EnumerateArray().First();
        Assert.Equal(1, source.GetProperty("number").GetInt32());
        Assert.Equal("q3-report.md", source.GetProperty("file").GetString());
        Assert.Equal(Id(_files), source.GetProperty("node_id").GetString());
        Assert.Equal($"/api/peers/{Id(_files)}/files/q3-report.md", source.GetProperty("download_url").GetString());
        Assert.Equal("stop", answer.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        // Without the extension (the last request sent), no sources and the question alone.
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False((await plain.JsonAsync()).TryGetProperty("sources", out _));
        Assert.Equal(Question, _ollama.LastRequest!["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChatCompletions_Knowledge_PromptHasTheExcerptsAndTheCitationRule()
    {
        using var response = await _client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "llama3",
            messages = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = Question } },
            knowledge = true,
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = _ollama.LastRequest!["messages"]!.AsArray();
        var system = messages[0]!["content"]!.GetValue<string>();
        Assert.StartsWith("Be brief.", system, StringComparison.Ordinal);
        Assert.Contains("[1]", system, StringComparison.Ordinal);
        var prompt = messages[^1]!["content"]!.GetValue<string>();
        Assert.Contains("[1] q3-report.md (on alpha):\nQ3 report: customer churn fell to 3 percent", prompt, StringComparison.Ordinal);
        Assert.EndsWith($"Question: {Question}", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_KnowledgeStreamed_LastChunkBeforeDoneHasTheSources()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "llama3", messages = new[] { new { role = "user", content = Question } }, knowledge = true, stream = true }),
        };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var data = (await response.Content.ReadAsStringAsync(Ct)).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..]).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data[..^1].Select(d => JsonDocument.Parse(d).RootElement).ToList();
        Assert.Equal(["q3-report.md"], chunks[^1].GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("file").GetString()).Take(1));
        Assert.All(chunks[..^1], c => Assert.False(c.TryGetProperty("sources", out _)));
    }

    [Fact]
    public async Task OpenAiSdk_AnswersWithSources_ReadAsUsual()
    {
        var client = new ChatClient("llama3", new ApiKeyCredential(await KeyAsync()), new OpenAIClientOptions
        {
            Endpoint = new Uri(_node.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(new WithKnowledge { InnerHandler = new HttpClientHandler() })),
        });

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage(Question)], cancellationToken: Ct);
        var streamed = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(Question)], cancellationToken: Ct))
        {
            streamed.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            finish ??= update.FinishReason;
        }

        // The fixture echoes the prompt it got: the excerpts, then the question.
        Assert.Contains("[1] q3-report.md", completion.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Contains("[1] q3-report.md", streamed.ToString(), StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    private async Task<string> KeyAsync()
    {
        using var created = await _client.PostAsJsonAsync("/api/keys", new { name = "sdk" }, Ct);
        return (await created.JsonAsync()).GetProperty("key").GetString()!;
    }

    /// <summary>Adds <c>"knowledge": true</c> to each request body, as an application using the extension through the SDK would.</summary>
    private sealed class WithKnowledge : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            body["knowledge"] = true;
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
