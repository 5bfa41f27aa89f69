using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using OllamaSharp;
using OllamaSharp.Models.Chat;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// Tool calls through a node whose LLM is an OpenAI-compatible server (another node's <c>/v1</c>, answered by the Ollama
/// fixture): an Ollama client's tools, calls and results go out in OpenAI's shape, and the server's streamed call comes back
/// whole in Ollama's, so the round trip works across the two protocols and back.
/// </summary>
public sealed class OpenAiBackendToolsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OllamaSharp_WeatherRoundTrip_ThroughAnOpenAiBackend(bool stream)
    {
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { ToolArguments = new JsonObject { ["city"] = "Lima", ["days"] = 2 } });
        await using var server = await StartAsync("server", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(server);
        await using var node = await StartAsync("openai-node", NoLlm, extra: new()
        {
            ["Llm:Backend"] = "openai",
            ["Llm:OpenAiUrl"] = new Uri(server.BaseAddress, "v1").ToString(),
            ["Llm:OpenAiKey"] = await KeyAsync(server),
        });
        await UntilLocalLlmAsync(node);
        using var http = new HttpClient { BaseAddress = new Uri(node.BaseAddress, "/ollama/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await KeyAsync(node));
        using var client = new OllamaApiClient(http);
        var tool = new Tool
        {
            Function = new Function
            {
                Name = "get_weather",
                Parameters = new Parameters { Properties = new Dictionary<string, Property> { ["city"] = new() { Type = "string" } }, Required = ["city"] },
            },
        };
        List<Message> messages = [new(ChatRole.User, "weather in Lima?")];

        var first = await ChatAsync(client, new ChatRequest { Model = "llama3", Messages = messages, Tools = [tool], Stream = stream });

        var call = Assert.Single(first.ToolCalls ?? []);
        Assert.Equal("get_weather", call.Function!.Name);
        Assert.Equal("Lima", call.Function.Arguments!["city"]?.ToString());
        Assert.Equal("2", call.Function.Arguments!["days"]?.ToString());

        messages.Add(first);
        messages.Add(new Message(ChatRole.Tool, "warm and dry") { ToolName = "get_weather" });
        var answer = await ChatAsync(client, new ChatRequest { Model = "llama3", Messages = messages, Tools = [tool], Stream = stream });

        Assert.Equal("Echo from llama3:latest: warm and dry", answer.Content);
        Assert.Empty(answer.ToolCalls ?? []);
        var sent = ollama.LastRequest!["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool"], sent.Select(m => m!["role"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(ollama.Options.ToolArguments, sent[1]!["tool_calls"]![0]!["function"]!["arguments"]), sent[1]!.ToJsonString());
        // The tool's result found its call across both translations: the server named the function from the call's id.
        Assert.Equal("get_weather", sent[2]!["tool_name"]!.GetValue<string>());
    }

    private static async Task<string> KeyAsync(TestNode node)
    {
        using var person = await node.CreateLoggedInClientAsync();
        return (await (await person.PostAsJsonAsync("/api/keys", new { name = "tools" }, Ct)).JsonAsync()).GetProperty("key").GetString()!;
    }

    private static async Task<Message> ChatAsync(OllamaApiClient client, ChatRequest request)
    {
        var builder = new MessageBuilder();
        await foreach (var chunk in client.ChatAsync(request, Ct))
        {
            builder.Append(chunk!);
        }

        return builder.ToMessage();
    }
}
