using System.Net;
using System.Text;
using MeshMind.Llm.OpenAi;
using MeshMind.Llm.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Llm;

/// <summary>An OpenAI-compatible server's event stream read as an answer: chunks, then the end with the usage it sent.</summary>
public sealed class OpenAiSseAnswerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<OpenAiSseAnswer> OpenAsync(string events, TimeProvider? time = null) =>
        OpenAiSseAnswer.OpenAsync(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(events, Encoding.UTF8, "text/event-stream") },
            time ?? new FakeTimeProvider(), Ct);

    private static async Task<(List<string> Chunks, AnswerPiece? Last, bool Ended)> ReadAllAsync(BackendAnswer answer)
    {
        var chunks = new List<string>();
        while (await answer.ReadAsync(null, Ct, Ct))
        {
            switch (answer.Piece)
            {
                case AnswerPiece.Chunk:
                    chunks.Add(answer.Chunk().Content);
                    continue;
                default:
                    return (chunks, answer.Piece, false);
            }
        }

        return (chunks, null, true);
    }

    [Fact]
    public async Task Stream_ChunksThenDone_WithTheServersUsage()
    {
        await using var answer = await OpenAsync("""
            data: {"choices":[{"delta":{"role":"assistant"}}]}

            data: {"choices":[{"delta":{"content":"Hello"}}]}

            : a comment line

            data: {"choices":[{"delta":{"content":" world"},"finish_reason":"length"}]}

            data: {"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2}}

            data: [DONE]

            """);

        var (chunks, last, _) = await ReadAllAsync(answer);

        Assert.Equal(["Hello", " world"], chunks);
        Assert.Equal(AnswerPiece.Done, last);
        var result = answer.Result();
        Assert.Equal(11, result.PromptEvalCount);
        Assert.Equal(2, result.EvalCount);
        Assert.Equal("length", result.DoneReason);
    }

    [Fact]
    public async Task Stream_CutOffWithoutDoneOrFinish_EndsWithoutAnEnd()
    {
        await using var answer = await OpenAsync("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n");

        var (chunks, last, ended) = await ReadAllAsync(answer);

        Assert.Equal(["Hel"], chunks);
        Assert.Null(last);
        Assert.True(ended);
    }

    [Fact]
    public async Task Stream_EndingAfterAFinishReason_WithoutDone_StillEnds()
    {
        await using var answer = await OpenAsync("data: {\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}");

        var (chunks, last, _) = await ReadAllAsync(answer);

        Assert.Equal(["ok"], chunks);
        Assert.Equal(AnswerPiece.Done, last);
        Assert.Equal(1, answer.Result().EvalCount); // no usage: one chunk counted
    }

    [Fact]
    public async Task Stream_ErrorEvent_IsTheHostsError()
    {
        await using var answer = await OpenAsync("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"message\":\"out of memory\"}}\n\n");

        var (_, last, _) = await ReadAllAsync(answer);

        Assert.Equal(AnswerPiece.Error, last);
        Assert.Equal("out of memory", answer.Error);
    }
}
