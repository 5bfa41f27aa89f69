using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using OllamaSharp;
using OllamaSharp.Models.Chat;
using OpenAI;
using OpenAI.Chat;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// A weather-style function round trip through a node without an LLM of its own, so every turn crosses the mesh to the
/// peer whose Ollama (the fixture) calls the tool: the client sends tools, the host answers with a call, the client sends
/// the tool's result, the host answers in text. With the official OpenAI .NET SDK on <c>/v1</c> and OllamaSharp on
/// <c>/ollama</c>, streaming and not; what reaches the host is checked field by field.
/// </summary>
public sealed class ToolCallingTests : IAsyncLifetime
{
    private const string WeatherSchema = """
        {"type":"object","properties":{"location":{"type":"string","description":"a city"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}
        """;

    private const string Result = "18 degrees and sunny";

    private ThinAndHost _mesh = null!;

    public async ValueTask InitializeAsync() =>
        _mesh = await ThinAndHost.StartAsync(new FakeOllamaOptions { ToolArguments = new JsonObject { ["location"] = "Paris", ["unit"] = "celsius" } });

    public ValueTask DisposeAsync() => _mesh.DisposeAsync();

    private ChatClient OpenAi() =>
        new("llama3", new ApiKeyCredential(_mesh.Key), new OpenAIClientOptions { Endpoint = _mesh.OpenAiEndpoint });

    private OllamaApiClient Ollama() => new(_mesh.Http("/ollama/"));

    private static ChatCompletionOptions WeatherTool() => new()
    {
        Tools = { ChatTool.CreateFunctionTool("get_weather", "The weather now at a place", BinaryData.FromString(WeatherSchema)) },
    };

    /// <summary>The host got the tool as OpenAI and Ollama both describe it: type, name, description and the schema as sent.</summary>
    private void AssertHostGotTheWeatherTool()
    {
        var tool = Assert.Single(_mesh.Ollama.LastRequest!["tools"]!.AsArray())!;
        Assert.Equal("function", tool["type"]!.GetValue<string>());
        Assert.Equal("get_weather", tool["function"]!["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(WeatherSchema), tool["function"]!["parameters"]), tool.ToJsonString());
    }

    /// <summary>The second turn as the host got it: the assistant's call in Ollama's shape (arguments an object), then the tool's result naming the function.</summary>
    private void AssertHostGotTheCallAndItsResult()
    {
        var messages = _mesh.Ollama.LastRequest!["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => m!["role"]!.GetValue<string>()));
        var call = Assert.Single(messages[1]!["tool_calls"]!.AsArray())!;
        Assert.Equal("get_weather", call["function"]!["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(_mesh.Ollama.Options.ToolArguments, call["function"]!["arguments"]), call.ToJsonString());
        Assert.Equal(Result, messages[2]!["content"]!.GetValue<string>());
        Assert.Equal("get_weather", messages[2]!["tool_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAiSdk_WeatherRoundTrip_ThroughAPeer_ToolCallThenTextAnswer()
    {
        var client = OpenAi();
        var options = WeatherTool();
        List<ChatMessage> messages = [new UserChatMessage("What is the weather in Paris?")];

        ChatCompletion call = await client.CompleteChatAsync(messages, options, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, call.FinishReason);
        var toolCall = Assert.Single(call.ToolCalls);
        Assert.Equal("get_weather", toolCall.FunctionName);
        Assert.False(string.IsNullOrEmpty(toolCall.Id));
        using (var arguments = JsonDocument.Parse(toolCall.FunctionArguments))
        {
            Assert.Equal("Paris", arguments.RootElement.GetProperty("location").GetString());
            Assert.Equal("celsius", arguments.RootElement.GetProperty("unit").GetString());
        }

        AssertHostGotTheWeatherTool();

        messages.Add(new AssistantChatMessage(call));
        messages.Add(new ToolChatMessage(toolCall.Id, Result));
        ChatCompletion answer = await client.CompleteChatAsync(messages, options, Ct);

        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Empty(answer.ToolCalls);
        Assert.Equal($"Echo from llama3:latest: {Result}", answer.Content[0].Text);
        AssertHostGotTheCallAndItsResult();
        Assert.Equal(toolCall.Id, _mesh.Ollama.LastRequest!["messages"]![2]!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAiSdk_StreamingWeatherRoundTrip_ToolCallArrivesAsOneUpdate_ThenTheText()
    {
        var client = OpenAi();
        var options = WeatherTool();
        List<ChatMessage> messages = [new UserChatMessage("What is the weather in Paris?")];

        var updates = new List<StreamingChatToolCallUpdate>();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, Ct))
        {
            updates.AddRange(update.ToolCallUpdates);
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        var update0 = Assert.Single(updates);
        Assert.Equal(0, update0.Index);
        Assert.Equal("get_weather", update0.FunctionName);
        using (var arguments = JsonDocument.Parse(update0.FunctionArgumentsUpdate))
        {
            Assert.Equal("Paris", arguments.RootElement.GetProperty("location").GetString());
        }

        messages.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(update0.ToolCallId, update0.FunctionName, update0.FunctionArgumentsUpdate)]));
        messages.Add(new ToolChatMessage(update0.ToolCallId, Result));
        var text = new StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, Ct))
        {
            Assert.Empty(update.ToolCallUpdates);
            finish = update.FinishReason ?? finish;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal($"Echo from llama3:latest: {Result}", text.ToString());
        AssertHostGotTheCallAndItsResult();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OllamaSharp_WeatherRoundTrip_ThroughAPeer_ToolCallThenTextAnswer(bool stream)
    {
        using var client = Ollama();
        var tool = new Tool
        {
            Function = new Function
            {
                Name = "get_weather",
                Description = "The weather now at a place",
                Parameters = new Parameters
                {
                    Properties = new Dictionary<string, Property>
                    {
                        ["location"] = new() { Type = "string", Description = "a city" },
                        ["unit"] = new() { Type = "string", Enum = ["celsius", "fahrenheit"] },
                    },
                    Required = ["location"],
                },
            },
        };
        List<Message> messages = [new(ChatRole.User, "What is the weather in Paris?")];

        var first = await ChatAsync(client, new ChatRequest { Model = "llama3", Messages = messages, Tools = [tool], Stream = stream });

        var call = Assert.Single(first.ToolCalls ?? []);
        Assert.Equal("get_weather", call.Function!.Name);
        Assert.Equal("Paris", call.Function.Arguments!["location"]?.ToString());
        Assert.Equal("celsius", call.Function.Arguments!["unit"]?.ToString());
        Assert.Equal("get_weather", _mesh.Ollama.LastRequest!["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal(["celsius", "fahrenheit"], _mesh.Ollama.LastRequest!["tools"]![0]!["function"]!["parameters"]!["properties"]!["unit"]!["enum"]!.AsArray()
            .Select(e => e!.GetValue<string>()));

        messages.Add(first);
        messages.Add(new Message(ChatRole.Tool, Result) { ToolName = "get_weather" });
        var answer = await ChatAsync(client, new ChatRequest { Model = "llama3", Messages = messages, Tools = [tool], Stream = stream });

        Assert.Empty(answer.ToolCalls ?? []);
        Assert.Equal($"Echo from llama3:latest: {Result}", answer.Content);
        AssertHostGotTheCallAndItsResult();
    }

    /// <summary>The whole answer message from OllamaSharp's chunks, tool calls included.</summary>
    private static async Task<Message> ChatAsync(OllamaApiClient client, ChatRequest request)
    {
        var builder = new MessageBuilder();
        await foreach (var chunk in client.ChatAsync(request, Ct))
        {
            builder.Append(chunk!);
        }

        return builder.ToMessage();
    }

    [Fact]
    public async Task V1Chat_ToolCallWithArgumentsThatAreNotJson_400NamingTheFunction()
    {
        using var http = _mesh.Http();
        const string body = """
            {"model":"llama3","messages":[{"role":"user","content":"weather?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{not json"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"sunny"}]}
            """;

        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error");
        Assert.Contains("get_weather", error.GetProperty("message").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal(0, _mesh.Ollama.Requests);
    }
}
