using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.Llm.Ollama;

namespace MeshMind.Tests.Llm;

/// <summary>An Ollama request through MeshMind's model and back loses nothing: what the model does not type travels as JSON.</summary>
public sealed class OllamaTranslationTests
{
    [Fact]
    public void ChatRequest_ToModelAndBack_KeepsEveryField()
    {
        const string sent = """
            {"model":"llama3","messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":"what is in this picture?","images":["aGVsbG8="]},
              {"role":"assistant","content":"","tool_calls":[{"function":{"name":"look","arguments":{"at":"sky"}}}]},
              {"role":"tool","content":"blue","tool_name":"look"}],
             "options":{"temperature":0.2,"top_k":40,"num_predict":64,"seed":7,"stop":["###"],"num_ctx":8192,"mirostat":2},
             "format":{"type":"object"},"keep_alive":"10m","think":true,
             "tools":[{"type":"function","function":{"name":"look"}}],
             "stream":false}
            """;
        var parsed = JsonSerializer.Deserialize(sent, OllamaJsonContext.Default.OllamaChatRequest)!;

        var request = OllamaTranslation.ToRequest(parsed);
        var forwarded = JsonNode.Parse(JsonSerializer.Serialize(OllamaTranslation.ToWire(request), OllamaJsonContext.Default.OllamaChatRequest))!.AsObject();

        Assert.Equal(0.2, request.Options!.Temperature);
        Assert.Equal(64, request.Options.MaxTokens);
        Assert.Equal(["###"], request.Options.Stop);
        Assert.Equal(["aGVsbG8="], request.Messages[1].Images);
        var expected = JsonNode.Parse(sent)!.AsObject();
        expected["stream"] = true; // a host is always asked to stream; the node answers the client as it asked
        Assert.True(JsonNode.DeepEquals(expected, forwarded), $"forwarded: {forwarded.ToJsonString()}");
    }

    [Fact]
    public void GenerateRequest_IsTheEquivalentChat_SystemThenPrompt()
    {
        var generate = JsonSerializer.Deserialize("""
            {"model":"phi3","prompt":"why is the sky blue?","system":"answer as a poet","format":"json","raw":true,"options":{"temperature":0}}
            """, OllamaJsonContext.Default.OllamaGenerateRequest)!;

        var request = OllamaTranslation.ToRequest(generate);

        Assert.Equal("phi3", request.Model);
        Assert.Equal([("system", "answer as a poet"), ("user", "why is the sky blue?")], request.Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal(0, request.Options!.Temperature);
        Assert.Equal("\"json\"", request.OllamaExtras!["format"].GetRawText());
        Assert.False(request.OllamaExtras.ContainsKey("raw")); // no chat equivalent
    }

    [Fact]
    public void ChatLine_WithStatisticsOfTheWrongType_IsRefused()
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"done":true,"eval_count":"many"}""", OllamaJsonContext.Default.OllamaChatLine));
    }
}
