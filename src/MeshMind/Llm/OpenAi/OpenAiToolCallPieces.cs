using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// The tool calls of a streamed OpenAI answer, put together from their pieces (the arguments' text arrives in fragments),
/// and handed on whole in Ollama's shape (<c>[{"id", "function": {"name", "arguments": {…}}}]</c>) once the answer says it
/// finished. Bounded by the stream's own line limit: each piece is one event.
/// </summary>
internal sealed class OpenAiToolCallPieces
{
    /// <summary>Calls in one answer; a server that sends more is cut off at this many.</summary>
    private const int MaxCalls = 64;

    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _calls = [];

    public bool IsEmpty => _calls.Count == 0;

    public void Add(IEnumerable<OpenAiStreamToolCall> pieces)
    {
        foreach (var piece in pieces)
        {
            if (!_calls.TryGetValue(piece.Index, out var call))
            {
                if (_calls.Count >= MaxCalls)
                {
                    continue;
                }

                call = (null, null, new StringBuilder());
            }

            call.Id ??= piece.Id;
            call.Name ??= piece.Function?.Name;
            call.Arguments.Append(piece.Function?.Arguments);
            _calls[piece.Index] = call;
        }
    }

    /// <summary>The calls so far in Ollama's shape; then none are held. Arguments that are not a JSON object go on as their text.</summary>
    public JsonElement Take()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (_, call) in _calls)
            {
                writer.WriteStartObject();
                if (call.Id is { } id)
                {
                    writer.WriteString("id", id);
                }

                writer.WriteStartObject("function");
                writer.WriteString("name", call.Name ?? "");
                writer.WritePropertyName("arguments");
                WriteArguments(writer, call.Arguments.ToString());
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        _calls.Clear();
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteArguments(Utf8JsonWriter writer, string text)
    {
        if (text.Length == 0)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        try
        {
            using var parsed = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            if (parsed.RootElement.ValueKind == JsonValueKind.Object)
            {
                parsed.RootElement.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
            // Not JSON: passed on as the server sent it.
        }

        writer.WriteStringValue(text);
    }
}
