using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using OllamaSharp;
using OllamaSharp.Models;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// Ollama's <c>POST /api/generate</c> through a node without an LLM of its own: the peer's Ollama (the fixture) gets a
/// generate, not a chat, with every field the client sent, including ones MeshMind does not know; the answer comes back
/// in generate's form, streamed as the host's own lines or whole with the host's <c>context</c>.
/// </summary>
public sealed class GenerateTests : IAsyncLifetime
{
    private const string Schema = """{"type":"object","properties":{"colour":{"type":"string"}},"required":["colour"]}""";

    private ThinAndHost _mesh = null!;

    public async ValueTask InitializeAsync() => _mesh = await ThinAndHost.StartAsync(new FakeOllamaOptions { KeepLastStream = true });

    public ValueTask DisposeAsync() => _mesh.DisposeAsync();


    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OllamaSharp_GenerateWithOptionsFormatSystemRaw_ReachTheHostAsSent(bool stream)
    {
        using var http = _mesh.Http("/ollama/");
        using var client = new OllamaApiClient(http);
        var request = new GenerateRequest
        {
            Model = "llama3",
            Prompt = "[INST] name a colour [/INST]",
            System = "answer in JSON",
            Template = "{{ .System }} {{ .Prompt }}",
            Raw = true,
            Format = JsonDocument.Parse(Schema).RootElement,
            KeepAlive = "7m",
#pragma warning disable CS0618 // Ollama deprecates context, but still takes and answers it: it must pass through.
            Context = [4, 5, 6],
#pragma warning restore CS0618
            Stream = stream,
            Options = new RequestOptions { Temperature = 0.5f, NumCtx = 2048, Seed = 7, TopK = 20, Stop = ["</s>"] },
        };

        var parts = new List<GenerateResponseStream>();
        await foreach (var part in client.GenerateAsync(request, Ct))
        {
            parts.Add(part!);
        }

        Assert.Equal("Echo from llama3:latest: [INST] name a colour [/INST]", string.Concat(parts.Select(p => p.Response)));
        var done = Assert.IsType<GenerateDoneResponseStream>(parts[^1]);
#pragma warning disable CS0618 // as above
        Assert.Equal([1, 2, 3], done.Context);
#pragma warning restore CS0618
        Assert.True(done.EvalCount > 0);
        if (!stream)
        {
            Assert.Single(parts);
        }

        var sent = _mesh.Ollama.LastRequest!;
        Assert.Equal("llama3:latest", sent["model"]!.GetValue<string>());
        Assert.Equal("[INST] name a colour [/INST]", sent["prompt"]!.GetValue<string>());
        Assert.Null(sent["messages"]);
        Assert.Equal("answer in JSON", sent["system"]!.GetValue<string>());
        Assert.Equal("{{ .System }} {{ .Prompt }}", sent["template"]!.GetValue<string>());
        Assert.True(sent["raw"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Schema), sent["format"]), sent["format"]?.ToJsonString());
        Assert.Equal("7m", sent["keep_alive"]!.GetValue<string>());
        Assert.Equal([4, 5, 6], sent["context"]!.AsArray().Select(c => c!.GetValue<int>()));
        var options = sent["options"]!;
        Assert.Equal(0.5, options["temperature"]!.GetValue<double>());
        Assert.Equal(2048, options["num_ctx"]!.GetValue<int>());
        Assert.Equal(7, options["seed"]!.GetValue<int>());
        Assert.Equal(20, options["top_k"]!.GetValue<int>());
        Assert.Equal(["</s>"], options["stop"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/ollama/api/generate")]
    [InlineData("/api/generate")]
    public async Task Generate_EveryFieldAndOnesTheNodeDoesNotKnow_ReachTheHostUnchanged_ThroughAPeer(string path)
    {
        using var http = _mesh.Http();
        var body = new JsonObject
        {
            ["model"] = "phi3:mini",
            ["prompt"] = "why is the sky blue?",
            ["suffix"] = " That is why.",
            ["images"] = new JsonArray("aGVsbG8="),
            ["format"] = "json",
            ["options"] = new JsonObject { ["temperature"] = 0, ["num_ctx"] = 4096, ["mirostat"] = 2, ["an_option_from_the_future"] = "x" },
            ["system"] = "be a poet",
            ["template"] = "{{ .Prompt }}",
            ["raw"] = false,
            ["keep_alive"] = 0,
            ["context"] = new JsonArray(1, 2, 3),
            ["think"] = "high",
            ["a_field_from_the_future"] = new JsonObject { ["nested"] = new JsonArray(1, "two", null, new JsonObject { ["deep"] = true }) },
            ["stream"] = false,
        };

        using var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = _mesh.Ollama.LastRequest!;
        var expected = body.DeepClone().AsObject();
        expected["model"] = "phi3:mini";
        expected["stream"] = true; // a host is always asked to stream; the node answers the client as it asked
        foreach (var (name, value) in expected)
        {
            Assert.True(JsonNode.DeepEquals(value, sent[name]), $"{name}: sent {value?.ToJsonString()}, host got {sent[name]?.ToJsonString()}");
        }

        Assert.Equal(expected.Count, sent.Count);
        var answer = await response.JsonAsync();
        Assert.True(answer.GetProperty("done").GetBoolean());
        Assert.Equal("Echo from phi3:mini: why is the sky blue?", answer.GetProperty("response").GetString());
        Assert.Equal([1, 2, 3], answer.GetProperty("context").EnumerateArray().Select(c => c.GetInt32()));
    }

    [Fact]
    public async Task StreamedGenerate_ThroughAPeer_ClientReceivesTheHostsBytes()
    {
        using var http = _mesh.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ollama/api/generate")
        {
            Content = JsonContent.Create(new { model = "llama3", prompt = "pass these bytes on", keep_alive = "1m" }),
        };

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var received = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_mesh.Ollama.LastStream, received);
        Assert.Contains("\"context\":[1,2,3]", received);
    }

    [Fact]
    public async Task Generate_UnknownModel_404InOllamasForm_NothingReachesTheHost()
    {
        using var http = _mesh.Http();

        using var response = await http.PostAsJsonAsync("/ollama/api/generate", new { model = "no-such-model", prompt = "x" }, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no-such-model", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(0, _mesh.Ollama.Requests);
    }
}
