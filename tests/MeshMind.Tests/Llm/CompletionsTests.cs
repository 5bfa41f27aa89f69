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
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// OpenAI's legacy <c>POST /v1/completions</c> through a node without an LLM of its own, sent with the official OpenAI
/// .NET SDK's own pipeline (its endpoint, API key and retries: the SDK 2.15 keeps its legacy completion client internal),
/// streaming and not; the prompt reaches the peer's Ollama as a raw <c>/api/generate</c> with the sampling options; bad
/// requests are refused clearly.
/// </summary>
public sealed class CompletionsTests : IAsyncLifetime
{
    private ThinAndHost _mesh = null!;

    public async ValueTask InitializeAsync() => _mesh = await ThinAndHost.StartAsync(new FakeOllamaOptions { KeepLastStream = true });

    public ValueTask DisposeAsync() => _mesh.DisposeAsync();

    /// <summary>POSTs <paramref name="body"/> to <c>completions</c> under the SDK's endpoint, through the SDK's pipeline.</summary>
    private async Task<PipelineResponse> CompleteAsync(object body, bool stream = false)
    {
        var endpoint = _mesh.OpenAiEndpoint;
        var client = new OpenAIClient(new ApiKeyCredential(_mesh.Key), new OpenAIClientOptions { Endpoint = endpoint });
        using var message = client.Pipeline.CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = new Uri(endpoint + "/completions");
        message.Request.Headers.Set("Content-Type", "application/json");
        message.Request.Content = BinaryContent.Create(BinaryData.FromObjectAsJson(body));
        message.BufferResponse = !stream;
        message.Apply(new RequestOptions { CancellationToken = Ct });
        await client.Pipeline.SendAsync(message);
        return message.ExtractResponse()!;
    }

    [Fact]
    public async Task OpenAiSdk_Completion_TextUsageAndARawGenerateAtTheHost()
    {
        using var response = await CompleteAsync(new
        {
            model = "llama3",
            prompt = "Once upon a time",
            max_tokens = 32,
            temperature = 0.25,
            stop = new[] { "\n\n" },
            suffix = " The end.",
        });

        Assert.Equal(200, response.Status);
        using var answer = JsonDocument.Parse(response.Content);
        var root = answer.RootElement;
        Assert.Equal("text_completion", root.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", root.GetProperty("id").GetString());
        Assert.Equal("llama3:latest", root.GetProperty("model").GetString());
        var choice = Assert.Single(root.GetProperty("choices").EnumerateArray());
        Assert.Equal("Echo from llama3:latest: Once upon a time", choice.GetProperty("text").GetString());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        var usage = root.GetProperty("usage");
        Assert.Equal(FakeOllamaServer.Tokens("Echo from llama3:latest: Once upon a time").Count, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());

        var sent = _mesh.Ollama.LastRequest!;
        Assert.Equal("Once upon a time", sent["prompt"]!.GetValue<string>());
        Assert.True(sent["raw"]!.GetValue<bool>());
        Assert.Equal(" The end.", sent["suffix"]!.GetValue<string>());
        Assert.Null(sent["messages"]);
        Assert.Null(sent["system"]);
        Assert.Equal(32, sent["options"]!["num_predict"]!.GetValue<int>());
        Assert.Equal(0.25, sent["options"]!["temperature"]!.GetValue<double>());
        Assert.Equal(["\n\n"], sent["options"]!["stop"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task OpenAiSdk_StreamingCompletion_TextCompletionChunks_FinishReason_Usage_ThenDone()
    {
        using var response = await CompleteAsync(new { model = "llama3", prompt = "stream me please", stream = true, stream_options = new { include_usage = true } },
            stream: true);
        Assert.Equal(200, response.Status);
        Assert.Equal("text/event-stream", response.Headers.TryGetValue("Content-Type", out var type) ? type!.Split(';')[0] : null);

        var events = new List<string>();
        using (var reader = new StreamReader(response.ContentStream!))
        {
            while (await reader.ReadLineAsync(Ct) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    events.Add(line["data: ".Length..]);
                }
            }
        }

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToList();
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        var withText = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind == JsonValueKind.Null).ToList();
        Assert.True(withText.Count > 3, $"{withText.Count} text chunks");
        Assert.Equal("Echo from llama3:latest: stream me please", string.Concat(withText.Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
        var finish = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.True(chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.True(_mesh.Ollama.LastRequest!["raw"]!.GetValue<bool>());
    }

    [Fact]
    public async Task V1Completions_ArrayOfPrompts_OneChoiceEach_InOrder_UsageSummed()
    {
        using var http = _mesh.Http();

        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = "phi3:mini", prompt = new[] { "first one", "and the second" } }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(["Echo from phi3:mini: first one", "Echo from phi3:mini: and the second"], choices.Select(c => c.GetProperty("text").GetString()));
        var expected = FakeOllamaServer.Tokens("Echo from phi3:mini: first one").Count + FakeOllamaServer.Tokens("Echo from phi3:mini: and the second").Count;
        Assert.Equal(expected, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(2, _mesh.Ollama.Requests);
    }

    [Fact]
    public async Task OpenAiSdk_UnknownModel_404InOpenAisShape()
    {
        using var response = await CompleteAsync(new { model = "no-such-model", prompt = "x" });

        Assert.Equal(404, response.Status);
        using var body = JsonDocument.Parse(response.Content);
        Assert.Equal("model_not_found", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, _mesh.Ollama.Requests);
    }

    [Theory]
    [InlineData("""{"prompt": "no model"}""", "model")]
    [InlineData("""{"model": "llama3"}""", "prompt")]
    [InlineData("""{"model": "llama3", "prompt": []}""", "prompt")]
    [InlineData("""{"model": "llama3", "prompt": [1, 2, 3]}""", "prompt")]
    [InlineData("""{"model": "llama3", "prompt": "x", "n": 2}""", "n")]
    [InlineData("""{"model": "llama3", "prompt": "x", "echo": true}""", "echo")]
    [InlineData("""{"model": "llama3", "prompt": "x", "logprobs": 3}""", "logprobs")]
    [InlineData("""{"model": "llama3", "prompt": """, null)]
    public async Task V1Completions_BadBody_400SayingWhichField_NothingReachesAHost(string body, string? param)
    {
        using var http = _mesh.Http();

        using var response = await http.PostAsync("/v1/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        if (param is not null)
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
        }

        Assert.Equal(0, _mesh.Ollama.Requests);
    }

    [Fact]
    public async Task V1Completions_BodyOverTheLimit_413()
    {
        using var http = _mesh.Http();
        var body = new JsonObject { ["model"] = "llama3", ["prompt"] = new string('a', 1024 * 1024 + 1) };

        using var response = await http.PostAsync("/v1/completions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, _mesh.Ollama.Requests);
    }

}
