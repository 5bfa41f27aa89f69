using System.Text.Json;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// Writes a chat's tool calls and tool results as an OpenAI-compatible server takes them: an assistant's Ollama
/// <c>tool_calls</c> (arguments an object) as OpenAI's (arguments as JSON text, each call with an id), and a <c>tool</c>
/// message's <c>tool_call_id</c>: its own, or, from an Ollama client, which sends only <c>tool_name</c>, the id of the
/// earliest unanswered call of that function. One instance per request: it remembers the calls not yet answered.
/// </summary>
internal sealed class OpenAiToolMessages
{
    private readonly List<(string Id, string Name)> _unanswered = [];
    private int _calls;

    /// <summary>Writes the tool fields of <paramref name="message"/>, if it has any, into the open message object.</summary>
    public void Write(Utf8JsonWriter json, LlmMessage message)
    {
        var extras = message.OllamaExtras;
        if (message.Role == LlmMessage.Assistant && extras?.GetValueOrDefault("tool_calls") is { ValueKind: JsonValueKind.Array } calls)
        {
            json.WriteStartArray("tool_calls");
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var id = call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : $"call_{_calls}";
                var name = function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
                _calls++;
                _unanswered.Add((id, name));
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", name);
                json.WriteString("arguments", function.TryGetProperty("arguments", out var arguments)
                    ? arguments.ValueKind == JsonValueKind.String ? arguments.GetString() : arguments.GetRawText()
                    : "{}");
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (message.Role == LlmMessage.Tool && Answers(extras) is { } answered)
        {
            json.WriteString("tool_call_id", answered);
        }
    }

    private string? Answers(IReadOnlyDictionary<string, JsonElement>? extras)
    {
        var id = extras?.GetValueOrDefault("tool_call_id") is { ValueKind: JsonValueKind.String } given ? given.GetString() : null;
        var name = extras?.GetValueOrDefault("tool_name") is { ValueKind: JsonValueKind.String } named ? named.GetString() : null;
        var index = id is not null
            ? _unanswered.FindIndex(c => c.Id == id)
            : _unanswered.FindIndex(c => name is null || c.Name == name);
        if (index >= 0)
        {
            id ??= _unanswered[index].Id;
            _unanswered.RemoveAt(index);
        }

        return id;
    }
}
