using System.Buffers;
using System.Text.Json;

namespace MeshMind.Llm.Ollama;

/// <summary>
/// Splits and classifies the lines of an Ollama NDJSON answer without building objects: a node passes each line on as the
/// bytes it received and only needs to know whether it is the last one or an error. Pure functions over bytes.
/// </summary>
internal static class OllamaLines
{
    /// <summary>The longest line accepted; Ollama's lines are a token each, the last one a few hundred bytes of statistics.</summary>
    public const int MaxLineBytes = 4 * 1024 * 1024;

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = 64 };

    /// <summary>Takes the next <c>\n</c>-terminated line off <paramref name="buffer"/> (without the <c>\n</c>, and a <c>\r</c> before it).</summary>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var end = buffer.PositionOf((byte)'\n');
        if (end is not { } newline)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline);
        buffer = buffer.Slice(buffer.GetPosition(1, newline));
        if (!line.IsEmpty && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        return true;
    }

    /// <summary>True for a line with nothing but JSON whitespace, which NDJSON readers skip.</summary>
    public static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.TrimStart(" \t\r\n"u8).Length > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads only the top level of <paramref name="line"/>: <c>error</c> makes it an error (its message in
    /// <paramref name="error"/>), <c>"done": true</c> the final line; nested values are skipped, not materialised.
    /// </summary>
    public static OllamaLineKind Classify(ReadOnlySequence<byte> line, out string? error)
    {
        error = null;
        var done = false;
        var reader = new Utf8JsonReader(line, s_options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return OllamaLineKind.Invalid;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("done"u8))
                {
                    reader.Read();
                    done = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    error = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Null => error,
                        _ => "an error without a message",
                    };
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // The object must close, and nothing may follow it on the line.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return OllamaLineKind.Invalid;
            }
        }
        catch (JsonException)
        {
            return OllamaLineKind.Invalid;
        }

        return error is not null ? OllamaLineKind.Error : done ? OllamaLineKind.Done : OllamaLineKind.Chunk;
    }

    private static bool EndsWithCarriageReturn(ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
