using System.Buffers;
using System.IO.Pipelines;

namespace MeshMind.Llm.Pipeline;

/// <summary>
/// An answer that has started on one host: what every front-end reads. <see cref="CopyOllamaLinesAsync"/> passes the
/// host's Ollama NDJSON on as the bytes that came (for clients that speak Ollama, when the host does too);
/// <see cref="ReadAsync"/> yields the answer as chunks (for everything else). Both end after the host's final piece; a
/// host that fails, sends an error, ends early, or sends nothing for the stall timeout raises <see cref="LlmStreamException"/>
/// — a broken answer is never passed off as a finished one. Disposing cancels the request at the host.
/// </summary>
/// <remarks>
/// How the answer went is told once to the pipeline's <see cref="IAnswerObserver"/>s (metrics, host health, the local
/// LLM's averages); nothing is called back on the router that opened it.
/// </remarks>
internal sealed class LlmAnswer : IAsyncDisposable
{
    /// <summary>Written but not flushed output beyond which the answer waits for the client before reading on.</summary>
    private const int MaxUnflushedBytes = 64 * 1024;
    private static readonly byte[] s_newline = "\n"u8.ToArray();
    private readonly BackendAnswer _backend;
    private readonly long _started;
    private readonly IDisposable _slot;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationToken _clientToken;
    private readonly IReadOnlyList<IAnswerObserver> _observers;
    private bool _firstPending = true;
    private int _disposed;
    private int _reported;
    private bool _stallArmed;
    private long _deadlineSetAt;

    /// <remarks><paramref name="backend"/> is positioned on the first piece, which the router has read and found a chunk or the end.</remarks>
    internal LlmAnswer(BackendAnswer backend, LlmHost host, string model, double ttftMs, long started, IDisposable slot,
        CancellationTokenSource deadline, CancellationTokenSource linked, TimeSpan stallTimeout, TimeProvider time, IReadOnlyList<IAnswerObserver> observers,
        CancellationToken clientToken)
    {
        _backend = backend;
        Host = host;
        Model = model;
        TtftMs = ttftMs;
        _started = started;
        _slot = slot;
        _deadline = deadline;
        _linked = linked;
        _stallTimeout = stallTimeout;
        _time = time;
        _clientToken = clientToken;
        _observers = observers;
    }

    /// <summary>The response header that names the node whose LLM answered (its node id), on the OpenAI and Ollama APIs.</summary>
    public const string HostHeader = "X-MeshMind-Host";

    public LlmHost Host { get; }

    /// <summary>The host's slot this answer holds until it ends (a scheduler's dispatch, or a count of requests open there).</summary>
    internal IDisposable Slot => _slot;

    public string Model { get; }

    /// <summary>Milliseconds from sending the request to the first chunk, failed-over attempts included.</summary>
    public double TtftMs { get; }

    /// <summary>The host's statistics, once the answer finished.</summary>
    public LlmResult? Final { get; private set; }

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>Whether <see cref="CopyOllamaLinesAsync"/> can pass the host's own bytes on (the host speaks Ollama's NDJSON).</summary>
    public bool HasOllamaLines => _backend.SpeaksOllama;

    /// <summary>
    /// Writes the answer to <paramref name="output"/> as Ollama NDJSON, each line the host's own bytes; only the last line
    /// is parsed (for its statistics). Flushed whenever the next line is not there yet, so every line reaches the client as
    /// soon as it exists, while a burst of lines that are already here goes out in one write instead of one per token.
    /// </summary>
    /// <exception cref="InvalidOperationException">The host does not speak Ollama (<see cref="HasOllamaLines"/> is false).</exception>
    public async Task CopyOllamaLinesAsync(PipeWriter output)
    {
        if (!HasOllamaLines)
        {
            throw new InvalidOperationException($"{Host.Name}'s answer is not Ollama NDJSON; read it with {nameof(ReadAsync)}");
        }

        while (true)
        {
            // The last line is parsed before it is passed on: if its statistics are broken, the client gets an error
            // line instead of a finish.
            var final = await NextAsync(output) == AnswerPiece.Done ? Parse(_backend.Result) : null;
            _backend.TryGetOllamaLine(out var line);
            foreach (var segment in line)
            {
                output.Write(segment.Span);
            }

            output.Write(s_newline);
            if (final is not null)
            {
                Complete(final);
                return;
            }
        }
    }

    /// <summary>The answer as chunks; <see cref="Final"/> is set once the last one has been read.</summary>
    /// <param name="output">Flushed whenever the next chunk is not there yet (see <see cref="CopyOllamaLinesAsync"/>).</param>
    public async IAsyncEnumerable<LlmChunk> ReadAsync(PipeWriter? output = null)
    {
        while (true)
        {
            if (await NextAsync(output) == AnswerPiece.Done)
            {
                var final = Parse(_backend.Result);
                Complete(final);
                if (final.Content.Length > 0)
                {
                    yield return new LlmChunk(final.Content);
                }

                yield break;
            }

            yield return Parse(_backend.Chunk);
        }
    }

    /// <summary>Moves to the next piece, a chunk or the final one; anything else ends the answer as failed.</summary>
    private async ValueTask<AnswerPiece> NextAsync(PipeWriter? output)
    {
        if (_firstPending)
        {
            _firstPending = false;
        }
        else
        {
            KeepStallTimer();
            if (output is { CanGetUnflushedBytes: true, UnflushedBytes: >= MaxUnflushedBytes })
            {
                // A host that is always ahead would otherwise never let the output be flushed: bound what waits in
                // memory, and let a slow client hold back the host.
                await output.FlushAsync(_clientToken);
            }

            if (!_backend.TryRead())
            {
                await WaitAsync(output);
            }
        }

        switch (_backend.Piece)
        {
            case AnswerPiece.Chunk or AnswerPiece.Done:
                return _backend.Piece;
            case AnswerPiece.Error:
                Report(succeeded: false, "failed_mid_answer");
                throw new LlmStreamException($"{Host.Name} failed mid-answer ({_backend.Error}); the answer is incomplete");
            default:
                Report(succeeded: false, "failed_mid_answer");
                throw new LlmStreamException($"{Host.Name} sent {_backend.Error ?? "a piece that is not its protocol's"}; the answer is incomplete");
        }
    }

    /// <summary>Restarts the stall timeout: the host is sending.</summary>
    private void KeepStallTimer()
    {
        // Restarting the timer costs a timer update; at thousands of lines a second, doing it once per 1/16 of the
        // timeout is enough (a stall is then noticed after 15/16 to 16/16 of it).
        if (!_stallArmed || _time.GetElapsedTime(_deadlineSetAt) >= _stallTimeout / 16)
        {
            _stallArmed = true;
            _deadline.CancelAfter(_stallTimeout);
            _deadlineSetAt = _time.GetTimestamp();
        }
    }

    private async ValueTask WaitAsync(PipeWriter? output)
    {
        bool more;
        try
        {
            more = await _backend.ReadAsync(output, _clientToken, _linked.Token);
        }
        catch (Exception ex) when (_clientToken.IsCancellationRequested)
        {
            // The client went away; whatever the read failed with, that is the reason.
            throw new OperationCanceledException("the client cancelled the answer", ex, _clientToken);
        }
        catch (Exception ex)
        {
            var stalled = _deadline.IsCancellationRequested;
            Report(succeeded: false, stalled ? "stalled" : "failed_mid_answer");
            throw new LlmStreamException(stalled
                ? $"{Host.Name} sent nothing for {_stallTimeout.TotalSeconds:0.###} s; the answer is incomplete"
                : $"{Host.Name} failed mid-answer ({LlmStreamException.Describe(ex)}); the answer is incomplete", ex,
                stalled ? LlmStreamException.HostStalled : LlmStreamException.HostLost);
        }

        if (!more)
        {
            Report(succeeded: false, "ended_early");
            throw new LlmStreamException($"{Host.Name} ended the answer before finishing; the answer is incomplete", reason: LlmStreamException.EndedEarly);
        }
    }

    private T Parse<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (LlmStreamException ex)
        {
            Report(succeeded: false, "failed_mid_answer");
            throw new LlmStreamException($"{Host.Name} {ex.Message}; the answer is incomplete", ex);
        }
    }

    private void Complete(LlmResult final)
    {
        Final = final;
        Report(succeeded: true, null);
    }

    /// <summary>Tells the observers how the answer went, once (the first outcome wins: a failure, the finish, or the client leaving).</summary>
    private void Report(bool succeeded, string? failure)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            foreach (var observer in _observers)
            {
                observer.Finished(this, succeeded, failure);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Disposed without a finish or a failure: the client stopped reading (counted, neither success nor error).
        Report(succeeded: false, null);

        if (Final is null)
        {
            // Not finished: stop the host generating for nobody.
            await _linked.CancelAsync();
        }

        try
        {
            await _backend.DisposeAsync();
        }
        catch (Exception)
        {
            // Cancelled on purpose; nothing to report.
        }

        _slot.Dispose();
        _linked.Dispose();
        _deadline.Dispose();
    }
}
