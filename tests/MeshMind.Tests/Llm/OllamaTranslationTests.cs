using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.Llm;
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
    public void GenerateRequest_ForAnOllamaHostTheSameGenerate_ForOthersTheEquivalentChat()
    {
        const string sent = """
            {"model":"phi3","prompt":"why is the sky blue?","suffix":" The end.","images":["aGVsbG8="],"format":{"type":"object"},
             "options":{"temperature":0,"num_ctx":4096},"system":"answer as a poet","template":"{{ .Prompt }}","stream":false,"raw":true,
             "keep_alive":"5m","context":[1,2,3],"think":false,"a_field_from_the_future":{"x":[1,null]}}
            """;
        var generate = JsonSerializer.Deserialize(sent, OllamaJsonContext.Default.OllamaGenerateRequest)!;

        var request = OllamaTranslation.ToRequest(generate);
        var forwarded = JsonNode.Parse(JsonSerializer.Serialize(OllamaTranslation.ToGenerateWire(request), OllamaJsonContext.Default.OllamaGenerateRequest))!;

        Assert.Equal("phi3", request.Model);
        Assert.Equal("why is the sky blue?", request.Prompt?.Text);
        Assert.Equal([("system", "answer as a poet"), ("user", "why is the sky blue?")], request.Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal(0, request.Options!.Temperature);
        var expected = JsonNode.Parse(sent)!.AsObject();
        expected["stream"] = true; // a host is always asked to stream; the node answers the client as it asked
        Assert.True(JsonNode.DeepEquals(expected, forwarded), $"forwarded: {forwarded.ToJsonString()}");
    }

    [Fact]
    public void ChatRequest_IsNotAGenerate()
    {
        var chat = new LlmRequest { Messages = [new LlmMessage(LlmMessage.User, "hi")] };

        Assert.Throws<InvalidOperationException>(() => OllamaTranslation.ToGenerateWire(chat));
    }

    [Fact]
    public void FinalGenerateLine_ContextAndUnknownFields_SurviveIntoTheWholeAnswer()
    {
        var line = JsonSerializer.Deserialize("""
            {"model":"phi3","response":"","done":true,"done_reason":"stop","context":[7,8,9],"eval_count":3,"eval_duration":10,"new_stat":1.5}
            """, OllamaJsonContext.Default.OllamaGenerateLine)!;

        var result = OllamaTranslation.ToResult(line);
        var whole = JsonNode.Parse(JsonSerializer.Serialize(
            OllamaTranslation.GenerateDone("phi3", result, "all the text", DateTimeOffset.UnixEpoch), OllamaJsonContext.Default.OllamaGenerateLine))!;

        Assert.Equal("all the text", whole["response"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonArray(7, 8, 9), whole["context"]), whole.ToJsonString());
        Assert.Equal(1.5, whole["new_stat"]!.GetValue<double>());
        Assert.Equal(3, whole["eval_count"]!.GetValue<int>());
    }

    [Fact]
    public void ChatLine_WithStatisticsOfTheWrongType_IsRefused()
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"done":true,"eval_count":"many"}""", OllamaJsonContext.Default.OllamaChatLine));
    }
}
