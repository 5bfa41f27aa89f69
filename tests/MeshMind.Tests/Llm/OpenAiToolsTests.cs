using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.Llm;
using MeshMind.Llm.OpenAi;

namespace MeshMind.Tests.Llm;

/// <summary>OpenAI's tools, tool calls and image parts into MeshMind's request (Ollama's fields) and a host's calls back: pure functions.</summary>
public sealed class OpenAiToolsTests
{
    private static OpenAiChatRequest Parse(string json) => JsonSerializer.Deserialize(json, OpenAiJsonContext.Default.OpenAiChatRequest)!;

    private static JsonNode? Node(JsonElement element) => JsonNode.Parse(element.GetRawText());

    [Fact]
    public void ToRequest_ToolsToolChoiceCallsAndResults_BecomeOllamasFields()
    {
        var request = OpenAiTranslation.ToRequest(Parse("""
            {"model":"llama3","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],"tool_choice":"auto",
             "messages":[{"role":"user","content":"weather?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\",\"days\":[1,2]}"}}]},
              {"role":"tool","tool_call_id":"call_9","content":"warm"}]}
            """));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]"""),
            Node(request.OllamaExtras!["tools"])));
        Assert.Equal("auto", request.OllamaExtras["tool_choice"].GetString());
        Assert.Equal([LlmMessage.User, LlmMessage.Assistant, LlmMessage.Tool], request.Messages.Select(m => m.Role));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"id":"call_9","function":{"name":"get_weather","arguments":{"city":"Rome","days":[1,2]}}}]"""),
            Node(request.Messages[1].OllamaExtras!["tool_calls"])), request.Messages[1].OllamaExtras!["tool_calls"].GetRawText());
        Assert.Equal("", request.Messages[1].Content);
        Assert.Equal("warm", request.Messages[2].Content);
        Assert.Equal("get_weather", request.Messages[2].OllamaExtras!["tool_name"].GetString());
        Assert.Equal("call_9", request.Messages[2].OllamaExtras!["tool_call_id"].GetString());
    }

    [Fact]
    public void ToRequest_ToolResultForAnUnknownCall_KeepsItsIdButNamesNoFunction()
    {
        var request = OpenAiTranslation.ToRequest(Parse("""{"messages":[{"role":"tool","tool_call_id":"call_x","content":"?"}]}"""));

        Assert.Equal("call_x", request.Messages[0].OllamaExtras!["tool_call_id"].GetString());
        Assert.False(request.Messages[0].OllamaExtras!.ContainsKey("tool_name"));
    }

    [Theory]
    [InlineData("""[{"type":"function","function":{"name":"f","arguments":"[1,2]"}}]""")]
    [InlineData("""[{"type":"function","function":{"name":"f","arguments":"{broken"}}]""")]
    [InlineData("""[{"type":"function","function":{"arguments":"{}"}}]""")]
    [InlineData("""[42]""")]
    [InlineData("""{"not":"an array"}""")]
    public void ToRequest_ToolCallsThatCannotBeOllamas_Refused(string calls)
    {
        var body = Parse($$"""{"messages":[{"role":"assistant","tool_calls":{{calls}}}]}""");

        var error = Assert.Throws<OpenAiRequestException>(() => OpenAiTranslation.ToRequest(body));

        Assert.Equal("messages", error.Param);
    }

    [Fact]
    public void ToRequest_ImageDataUrl_KeepsTheBase64AsItIs()
    {
        var request = OpenAiTranslation.ToRequest(Parse("""
            {"messages":[{"role":"user","content":[{"type":"text","text":"what is "},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}},{"type":"text","text":"this?"}]}]}
            """));

        Assert.Equal("what is this?", request.Messages[0].Content);
        Assert.Equal(["/9j/4AAQ"], request.Messages[0].Images);
    }

    [Fact]
    public void FromOllama_CallsGetIdsAndArgumentsAsJsonText_IndexedFromTheGivenPosition()
    {
        using var calls = JsonDocument.Parse("""
            [{"function":{"index":0,"name":"a","arguments":{"x":1}}},{"id":"call_host","function":{"name":"b","arguments":{}}},{"no":"function"}]
            """);

        var translated = OpenAiTools.FromOllama(calls.RootElement, firstIndex: 2, withIndex: true);

        Assert.Equal(2, translated.Count);
        Assert.Equal([2, 3], translated.Select(c => c.Index));
        Assert.Equal(["a", "b"], translated.Select(c => c.Function.Name));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"x":1}"""), JsonNode.Parse(translated[0].Function.Arguments)));
        Assert.StartsWith("call_", translated[0].Id);
        Assert.Equal("call_host", translated[1].Id);
        Assert.All(translated, c => Assert.Equal("function", c.Type));
        Assert.All(OpenAiTools.FromOllama(calls.RootElement, 0, withIndex: false), c => Assert.Null(c.Index));
    }
}
