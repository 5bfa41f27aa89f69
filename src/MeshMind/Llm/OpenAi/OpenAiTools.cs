using System.Buffers;
using System.Text.Json;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// Tool calls between OpenAI's shape (<c>{"id", "type": "function", "function": {"name", "arguments": "&lt;JSON text&gt;"}}</c>)
/// and Ollama's (<c>{"function": {"name", "arguments": {…}}}</c>, the arguments an object). The tools themselves need no
/// translation: Ollama takes OpenAI's <c>{"type": "function", "function": {"name", "description", "parameters"}}</c> as it is.
/// Pure functions.
/// </summary>
internal static class OpenAiTools
{
    /// <summary>An assistant message's OpenAI tool calls as Ollama's, each call's <c>id</c> kept (Ollama ignores what it does not know).</summary>
    /// <exception cref="OpenAiRequestException">Not an array of calls with a name and JSON-object arguments.</exception>
    public static JsonElement ToOllama(JsonElement calls)
    {
        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAiRequestException("'tool_calls' must be an array", "messages");
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object
                    || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                    || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    throw new OpenAiRequestException("each tool call needs a 'function' with a 'name'", "messages");
                }

                writer.WriteStartObject();
                if (call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    writer.WriteString("id", id.GetString());
                }

                writer.WriteStartObject("function");
                writer.WriteString("name", name.GetString());
                writer.WritePropertyName("arguments");
                Arguments(function, name.GetString()!).WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>The name of the function that the call <paramref name="id"/> in the earlier assistant messages called, if any.</summary>
    public static string? FunctionName(IEnumerable<OpenAiMessage> earlier, string id)
    {
        foreach (var message in earlier.Reverse())
        {
            if (message.ToolCalls is not { ValueKind: JsonValueKind.Array } calls)
            {
                continue;
            }

            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("id", out var callId) && callId.ValueKind == JsonValueKind.String
                    && callId.GetString() == id && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                    && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    return name.GetString();
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A host's Ollama tool calls in OpenAI's shape, the arguments as JSON text; each call gets the host's <c>id</c> or a
    /// new one, and (for a streamed delta) its position, counting from <paramref name="firstIndex"/>.
    /// </summary>
    public static List<OpenAiToolCall> FromOllama(JsonElement calls, int firstIndex, bool withIndex)
    {
        var result = new List<OpenAiToolCall>();
        if (calls.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var call in calls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            var arguments = function.TryGetProperty("arguments", out var a) ? a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText() : "{}";
            var id = call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String && i.GetString() is { Length: > 0 } hostId
                ? hostId
                : "call_" + Guid.NewGuid().ToString("N")[..24];
            result.Add(new OpenAiToolCall(id, "function", new OpenAiFunctionCall(name, arguments)) { Index = withIndex ? firstIndex + result.Count : null });
        }

        return result;
    }

    /// <summary>OpenAI sends the arguments as JSON text (an object); Ollama wants the object.</summary>
    private static JsonElement Arguments(JsonElement function, string name)
    {
        if (!function.TryGetProperty("arguments", out var arguments) || arguments.ValueKind == JsonValueKind.Null)
        {
            using var empty = JsonDocument.Parse("{}");
            return empty.RootElement.Clone();
        }

        if (arguments.ValueKind == JsonValueKind.Object)
        {
            return arguments;
        }

        if (arguments.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var parsed = JsonDocument.Parse(arguments.GetString()!, new JsonDocumentOptions { MaxDepth = 64 });
                if (parsed.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return parsed.RootElement.Clone();
                }
            }
            catch (JsonException)
            {
                // Said below.
            }
        }

        throw new OpenAiRequestException($"the arguments of the call to '{name}' must be a JSON object (as text)", "messages");
    }
}
