using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshMind.Llm.Pipeline;

namespace MeshMind.Llm.Ollama;

/// <summary>An answer read from an Ollama host's NDJSON, a line at a time; each line is also available as the host's bytes.</summary>
/// <param name="lines">The host's response.</param>
/// <param name="generate">The lines are <c>/api/generate</c>'s (<c>response</c>), not <c>/api/chat</c>'s (<c>message</c>).</param>
internal sealed class OllamaAnswer(OllamaLineReader lines, bool generate = false) : BackendAnswer
{
    public override bool SpeaksOllama => true;

    public override bool TryRead()
    {
        if (!lines.TryRead())
        {
            return false;
        }

        Take();
        return true;
    }

    public override async ValueTask<bool> ReadAsync(PipeWriter? beforeWaiting, CancellationToken flushToken, CancellationToken cancellationToken)
    {
        if (!await lines.ReadAsync(beforeWaiting, flushToken, cancellationToken))
        {
            return false;
        }

        Take();
        return true;
    }

    public override LlmChunk Chunk() => generate
        ? OllamaTranslation.ToChunk(Parse(OllamaJsonContext.Default.OllamaGenerateLine, "generate chunk"))
        : OllamaTranslation.ToChunk(Parse(OllamaJsonContext.Default.OllamaChatLine, "chat chunk"));

    public override LlmResult Result() => generate
        ? OllamaTranslation.ToResult(Parse(OllamaJsonContext.Default.OllamaGenerateLine, "final generate line"))
        : OllamaTranslation.ToResult(Parse(OllamaJsonContext.Default.OllamaChatLine, "final chat line"));

    public override bool TryGetOllamaLine(out ReadOnlySequence<byte> line)
    {
        line = lines.Line;
        return true;
    }

    public override ValueTask DisposeAsync() => lines.DisposeAsync();

    private void Take()
    {
        Piece = lines.Kind switch
        {
            OllamaLineKind.Chunk => AnswerPiece.Chunk,
            OllamaLineKind.Done => AnswerPiece.Done,
            OllamaLineKind.Error => AnswerPiece.Error,
            _ => AnswerPiece.Invalid,
        };
        Error = lines.Error ?? (Piece == AnswerPiece.Invalid ? "a line that is not Ollama's JSON" : null);
    }

    private T Parse<T>(JsonTypeInfo<T> type, string what) where T : class
    {
        try
        {
            var reader = new Utf8JsonReader(lines.Line);
            return JsonSerializer.Deserialize(ref reader, type) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new LlmStreamException($"sent a line that is not Ollama's {what} ({ex.Message})", ex);
        }
    }
}
