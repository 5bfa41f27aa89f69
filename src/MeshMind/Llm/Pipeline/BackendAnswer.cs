using System.Buffers;
using System.IO.Pipelines;

namespace MeshMind.Llm.Pipeline;

/// <summary>
/// An answer as a backend receives it from its host, one piece at a time, without judging it: <see cref="LlmAnswer"/>
/// decides what a piece means for the client. Positioned before the first piece. Disposing ends the request at the host.
/// </summary>
internal abstract class BackendAnswer : IAsyncDisposable
{
    /// <summary>What the current piece is.</summary>
    public AnswerPiece Piece { get; protected set; }

    /// <summary>The host's message for an <see cref="AnswerPiece.Error"/>, or why a piece is <see cref="AnswerPiece.Invalid"/> when known.</summary>
    public string? Error { get; protected set; }

    /// <summary>Takes the next piece if it has already arrived; no waiting.</summary>
    public abstract bool TryRead();

    /// <summary>Reads the next piece; false when the host ended its response.</summary>
    /// <param name="beforeWaiting">Flushed if the next piece has not arrived yet, so what was written reaches its reader before this waits.</param>
    /// <param name="flushToken">For that flush.</param>
    /// <param name="cancellationToken">Ends the wait for the host.</param>
    public abstract ValueTask<bool> ReadAsync(PipeWriter? beforeWaiting, CancellationToken flushToken, CancellationToken cancellationToken);

    /// <summary>The current <see cref="AnswerPiece.Chunk"/>.</summary>
    /// <exception cref="LlmStreamException">The piece is not what its protocol says a chunk is.</exception>
    public abstract LlmChunk Chunk();

    /// <summary>The current <see cref="AnswerPiece.Done"/>.</summary>
    /// <exception cref="LlmStreamException">The piece's statistics are not what its protocol says they are.</exception>
    public abstract LlmResult Result();

    /// <summary>
    /// The current piece as the host's own Ollama NDJSON line (valid until the next read), so a client that speaks Ollama
    /// gets the host's bytes unparsed; false when the host does not speak Ollama.
    /// </summary>
    public virtual bool TryGetOllamaLine(out ReadOnlySequence<byte> line)
    {
        line = default;
        return false;
    }

    /// <summary>Whether <see cref="TryGetOllamaLine"/> gives every piece (the host speaks Ollama's NDJSON).</summary>
    public virtual bool SpeaksOllama => false;

    public abstract ValueTask DisposeAsync();
}
