using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// Server-sent events as OpenAI's streaming endpoints write them: <c>data: {json}</c> and a blank line per event, then
/// <c>data: [DONE]</c> after a finished answer, or an error event without it after a broken one.
/// </summary>
internal static class OpenAiSse
{
    private static readonly byte[] s_dataPrefix = "data: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>Writes one event (not flushed: the answer flushes when the host's next piece is not there yet).</summary>
    public static void Event<T>(HttpResponse response, Utf8JsonWriter writer, T value, JsonTypeInfo<T> type)
    {
        response.BodyWriter.Write(s_dataPrefix);
        writer.Reset();
        JsonSerializer.Serialize(writer, value, type);
        writer.Flush();
        writer.Reset();
        response.BodyWriter.Write(s_eventEnd);
    }

    /// <summary>Ends a finished answer with <c>data: [DONE]</c>.</summary>
    public static async Task DoneAsync(HttpContext context)
    {
        context.Response.BodyWriter.Write(s_done);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>An error event, and no <c>[DONE]</c>: the client must not take the partial answer for a finished one.</summary>
    public static async Task ErrorAsync(HttpContext context, Utf8JsonWriter writer, string message)
    {
        Event(context.Response, writer, new OpenAiErrorResponse(new OpenAiError(message, "server_error", null, "upstream_failed")),
            OpenAiJsonContext.Default.OpenAiErrorResponse);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
