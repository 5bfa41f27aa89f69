using System.Text.Json.Nodes;

namespace MeshMind.FakeOllama;

/// <summary>
/// Tool calling and images as Ollama documents them on <c>/api/chat</c> and <c>/api/generate</c>: a chat with
/// <c>tools</c> whose last message is not a tool's result is answered with a call of the first tool
/// (<c>message.tool_calls</c>: <c>function.name</c> and <c>function.arguments</c> as an object, from
/// <see cref="FakeOllamaOptions.ToolArguments"/>), streamed as one chunk and the final line; once the last message is a
/// tool's result, the reply echoes it. The images of each request (base64) are kept for tests to compare.
/// </summary>
public sealed partial class FakeOllamaServer
{
    private volatile IReadOnlyList<string> _lastImages = [];

    /// <summary>The base64 images of the last chat or generate request, in order (every message's for a chat), as received.</summary>
    public IReadOnlyList<string> LastImages => _lastImages;

    private void KeepImages(JsonObject request, bool chat)
    {
        IEnumerable<JsonNode?> images = chat
            ? (request["messages"] as JsonArray ?? []).SelectMany(m => m?["images"] as JsonArray ?? [])
            : request["images"] as JsonArray ?? [];
        _lastImages = [.. images.Select(i => i?.GetValue<string>() ?? "")];
    }

    /// <summary>The tool call to answer <paramref name="request"/> with: null without tools, or when the last message is a tool's result.</summary>
    private JsonObject? ToolCallFor(JsonObject request)
    {
        if (request["tools"] is not JsonArray { Count: > 0 } tools
            || (request["messages"] as JsonArray)?.LastOrDefault()?["role"]?.GetValue<string>() == "tool")
        {
            return null;
        }

        var name = tools[0]?["function"]?["name"]?.GetValue<string>() ?? "";
        return new JsonObject
        {
            ["function"] = new JsonObject
            {
                ["index"] = 0,
                ["name"] = name,
                ["arguments"] = Options.ToolArguments?.DeepClone() ?? new JsonObject(),
            },
        };
    }

    /// <summary>Answers with <paramref name="call"/> and no text: one chunk carrying the call, then the final line (or one object).</summary>
    private async Task AnswerToolCallAsync(HttpContext context, string model, JsonObject call, bool stream, string prompt)
    {
        var started = DateTimeOffset.UtcNow;
        var message = new JsonObject { ["role"] = "assistant", ["content"] = "", ["tool_calls"] = new JsonArray(call) };
        if (!stream)
        {
            var whole = Final(model, chat: true, "", 1, prompt, started, simulated: null);
            whole["message"] = message;
            await context.Response.WriteAsJsonAsync(whole);
            Interlocked.Increment(ref _completed);
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        await WriteLineAsync(context, new JsonObject { ["model"] = model, ["created_at"] = Now(), ["message"] = message, ["done"] = false }, null);
        await WriteLineAsync(context, Final(model, chat: true, "", 1, prompt, started, simulated: null), null);
        Interlocked.Increment(ref _completed);
    }

    /// <summary>What a chat asks about: its last user message, or the tool's result when that came last.</summary>
    private static string ChatPrompt(JsonObject request) =>
        (request["messages"] as JsonArray)?.LastOrDefault(m => m?["role"]?.GetValue<string>() is "user" or "tool")?["content"]?.GetValue<string>() ?? "";
}
