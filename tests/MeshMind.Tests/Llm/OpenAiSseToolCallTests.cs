using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.Llm;
using MeshMind.Llm.OpenAi;
using MeshMind.Llm.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Llm;

/// <summary>Tool calls in an OpenAI-compatible server's event stream: put together from their pieces, handed on whole in Ollama's shape.</summary>
public sealed class OpenAiSseToolCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<OpenAiSseAnswer> OpenAsync(string events) =>
        OpenAiSseAnswer.OpenAsync(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(events, Encoding.UTF8, "text/event-stream") },
            new FakeTimeProvider(), Ct);

    private static async Task<(List<LlmChunk> Chunks, AnswerPiece? Last)> ReadAllAsync(BackendAnswer answer)
    {
        var chunks = new List<LlmChunk>();
        while (await answer.ReadAsync(null, Ct, Ct))
        {
            if (answer.Piece != AnswerPiece.Chunk)
            {
                return (chunks, answer.Piece);
            }

            chunks.Add(answer.Chunk());
        }

        return (chunks, null);
    }

    [Fact]
    public async Task ArgumentsInFragments_TwoCalls_OneChunkWithBothWhenTheAnswerFinishes()
    {
        await using var answer = await OpenAsync("""
            data: {"choices":[{"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}

            data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}

            data: {"choices":[{"delta":{"tool_calls":[{"index":1,"id":"call_b","function":{"name":"get_time","arguments":"{}"}}]}}]}

            data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Oslo\"}"}}]}}]}

            data: {"choices":[{"delta":{},"finish_reason":"tool_calls"}]}

            data: [DONE]

            """);

        var (chunks, last) = await ReadAllAsync(answer);

        var chunk = Assert.Single(chunks);
        Assert.Equal("", chunk.Content);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"id":"call_a","function":{"name":"get_weather","arguments":{"city":"Oslo"}}},{"id":"call_b","function":{"name":"get_time","arguments":{}}}]"""),
            JsonNode.Parse(chunk.ToolCalls!.Value.GetRawText())), chunk.ToolCalls!.Value.GetRawText());
        Assert.Equal(AnswerPiece.Done, last);
        Assert.Equal("stop", answer.Result().DoneReason);
    }

    [Fact]
    public async Task CallsNeverFinished_GoOutWholeAtDone_ThenTheEnd()
    {
        await using var answer = await OpenAsync("""
            data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"not json"}}]}}]}

            data: [DONE]

            """);

        var (chunks, last) = await ReadAllAsync(answer);

        var call = Assert.Single(Assert.Single(chunks).ToolCalls!.Value.EnumerateArray());
        Assert.Equal("f", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.String, call.GetProperty("function").GetProperty("arguments").ValueKind);
        Assert.Equal(AnswerPiece.Done, last);
    }
}
