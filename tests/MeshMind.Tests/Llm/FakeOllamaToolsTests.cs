using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.FakeOllama;
using OllamaSharp;
using OllamaSharp.Models.Chat;

namespace MeshMind.Tests.Llm;

/// <summary>
/// The fixture's tool calls and images as Ollama documents them, checked with OllamaSharp and on the raw NDJSON (tests of
/// tool calling through the mesh are only as good as this): a chat with tools is answered with a call of the first tool,
/// its arguments an object; a tool's result is answered in text; images are kept as received.
/// </summary>
public sealed class FakeOllamaToolsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Tool s_weather = new()
    {
        Function = new Function
        {
            Name = "get_weather",
            Parameters = new Parameters { Properties = new Dictionary<string, Property> { ["city"] = new() { Type = "string" } }, Required = ["city"] },
        },
    };

    [Fact]
    public async Task OllamaSharp_ChatWithTools_AnsweredWithACallOfTheFirstTool_ArgumentsAsScripted()
    {
        await using var server = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { ToolArguments = new JsonObject { ["city"] = "Oslo" } }, cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);

        var chunks = new List<ChatResponseStream>();
        await foreach (var chunk in client.ChatAsync(new ChatRequest { Model = "llama3", Messages = [new(ChatRole.User, "weather in Oslo?")], Tools = [s_weather] }, Ct))
        {
            chunks.Add(chunk!);
        }

        var call = Assert.Single(chunks.SelectMany(c => c.Message.ToolCalls ?? []));
        Assert.Equal("get_weather", call.Function!.Name);
        Assert.Equal("Oslo", call.Function.Arguments!["city"]?.ToString());
        Assert.True(Assert.IsType<ChatDoneResponseStream>(chunks[^1]).Done);
        Assert.Equal("", string.Concat(chunks.Select(c => c.Message.Content)));
    }

    [Fact]
    public async Task RawChat_ToolCallLine_HasOllamasShape_AndAToolResultIsAnsweredInText()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var tools = new JsonArray(JsonNode.Parse("""{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{}}}}"""));

        using var first = await http.PostAsJsonAsync("/api/chat", new JsonObject
        {
            ["model"] = "llama3",
            ["stream"] = false,
            ["tools"] = tools.DeepClone(),
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "look it up" }),
        }, Ct);
        var whole = JsonNode.Parse(await first.Content.ReadAsStringAsync(Ct))!;
        using var second = await http.PostAsJsonAsync("/api/chat", new JsonObject
        {
            ["model"] = "llama3",
            ["stream"] = false,
            ["tools"] = tools.DeepClone(),
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "look it up" },
                whole["message"]!.DeepClone(),
                new JsonObject { ["role"] = "tool", ["tool_name"] = "lookup", ["content"] = "found it" }),
        }, Ct);
        var answer = JsonNode.Parse(await second.Content.ReadAsStringAsync(Ct))!;

        Assert.True(whole["done"]!.GetValue<bool>());
        Assert.Equal("assistant", whole["message"]!["role"]!.GetValue<string>());
        var call = Assert.Single(whole["message"]!["tool_calls"]!.AsArray())!;
        Assert.Equal("lookup", call["function"]!["name"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Object, call["function"]!["arguments"]!.GetValueKind());
        Assert.Equal("Echo from llama3:latest: found it", answer["message"]!["content"]!.GetValue<string>());
        Assert.Null(answer["message"]!["tool_calls"]);
    }

    [Fact]
    public async Task Images_OfEveryMessage_AreKeptAsReceived()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);

        await foreach (var _ in client.ChatAsync(new ChatRequest
        {
            Model = "llama3",
            Messages = [new(ChatRole.User, "one", ["AAEC"]), new(ChatRole.Assistant, "ok"), new(ChatRole.User, "two", ["AwQF", "BgcI"])],
        }, Ct))
        {
        }

        Assert.Equal(["AAEC", "AwQF", "BgcI"], server.LastImages);
    }
}
