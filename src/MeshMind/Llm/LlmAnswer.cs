using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OllamaSharp.Models.Chat;

namespace MeshMind.Llm;

/// <summary>
/// An answer that has started on one host, read from the host's Ollama NDJSON. <see cref="CopyToAsync"/> passes its lines
/// on as the bytes that came (for clients that speak Ollama's protocol); <see cref="ReadAsync"/> yields them as chunks
/// (for the other protocols). Both end after the line with <c>done</c>; a host that fails, sends an error, ends early, or
/// sends nothing for the stall timeout raises <see cref="LlmStreamException"/> — a broken answer is never passed off as
/// a finished one. Disposing cancels the request at the host.
/// </summary>
public sealed class LlmAnswer : IAsyncDisposable
{
    /// <summary>Written but not flushed output beyond which the answer waits for the client before reading on.</summary>
    private const int MaxUnflushedBytes = 64 * 1024;
    private static readonly byte[] s_newline = "\n"u8.ToArray();
    private readonly LlmRouter _router;
    private readonly LocalLlm _local;
    private readonly OllamaLineReader _lines;
    private readonly long _started;
    private readonly IDisposable _slot;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationToken _clientToken;
    private bool _firstPending = true;
    private int _disposed;
    private int _reported;
    private bool _stallArmed;
    private long _deadlineSetAt;

    /// <remarks><paramref name="lines"/> is positioned on the first line, which the router has read and found a chunk or the end.</remarks>
    internal LlmAnswer(LlmRouter router, LocalLlm local, LlmHost host, string model, OllamaLineReader lines, double ttftMs, long started,
        IDisposable slot, CancellationTokenSource deadline, CancellationTokenSource linked, TimeSpan stallTimeout, TimeProvider time,
        CancellationToken clientToken)
    {
        _router = router;
        _local = local;
        Host = host;
        Model = model;
        _lines = lines;
        TtftMs = ttftMs;
        _started = started;
        _slot = slot;
        _deadline = deadline;
        _linked = linked;
        _stallTimeout = stallTimeout;
        _time = time;
        _clientToken = clientToken;
    }

    public LlmHost Host { get; }

    public string Model { get; }

    /// <summary>Milliseconds from sending the request to the first chunk, failed-over attempts included.</summary>
    public double TtftMs { get; }

    /// <summary>The final chunk, with Ollama's statistics, once the answer finished.</summary>
    public ChatDoneResponseStream? Final { get; private set; }

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>
    /// Writes the answer to <paramref name="output"/> as Ollama NDJSON, each line the host's own bytes; only the last line
    /// is parsed (for its statistics). Flushed whenever the next line is not there yet, so every line reaches the client as
    /// soon as it exists, while a burst of lines that are already here goes out in one write instead of one per token.
    /// </summary>
    public async Task CopyToAsync(PipeWriter output)
    {
        while (true)
        {
            // The last line is parsed before it is passed on: if its statistics are broken, the client gets an error
            // line instead of a finish.
            var final = await NextAsync(output) == OllamaLineKind.Done ? Parse(OllamaWireContext.Default.ChatDoneResponseStream) : null;
            foreach (var segment in _lines.Line)
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

    /// <summary>The answer as Ollama chunks; the last one is a <see cref="ChatDoneResponseStream"/>.</summary>
    /// <param name="output">Flushed whenever the next chunk is not there yet (see <see cref="CopyToAsync"/>).</param>
    public async IAsyncEnumerable<ChatResponseStream> ReadAsync(PipeWriter? output = null)
    {
        while (true)
        {
            if (await NextAsync(output) == OllamaLineKind.Done)
            {
                var final = Parse(OllamaWireContext.Default.ChatDoneResponseStream);
                Complete(final);
                yield return final;
                yield break;
            }

            yield return Parse(OllamaWireContext.Default.ChatResponseStream);
        }
    }

    /// <summary>Moves to the next line, a chunk or the final one; anything else ends the answer as failed.</summary>
    private async ValueTask<OllamaLineKind> NextAsync(PipeWriter? output)
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

            if (!_lines.TryRead())
            {
                await WaitAsync(output);
            }
        }

        switch (_lines.Kind)
        {
            case OllamaLineKind.Chunk or OllamaLineKind.Done:
                return _lines.Kind;
            case OllamaLineKind.Error:
                Report(succeeded: false, "failed_mid_answer");
                throw new LlmStreamException($"{Host.Name} failed mid-answer ({_lines.Error}); the answer is incomplete");
            default:
                Report(succeeded: false, "failed_mid_answer");
                throw new LlmStreamException($"{Host.Name} sent {_lines.Error ?? "a line that is not Ollama's JSON"}; the answer is incomplete");
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
            more = await _lines.ReadAsync(output, _clientToken, _linked.Token);
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
                : $"{Host.Name} failed mid-answer ({LlmRouter.Describe(ex)}); the answer is incomplete", ex);
        }

        if (!more)
        {
            Report(succeeded: false, "ended_early");
            throw new LlmStreamException($"{Host.Name} ended the answer before finishing; the answer is incomplete");
        }
    }

    private T Parse<T>(JsonTypeInfo<T> type) where T : class
    {
        try
        {
            var reader = new Utf8JsonReader(_lines.Line);
            return JsonSerializer.Deserialize(ref reader, type) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            Report(succeeded: false, "failed_mid_answer");
            throw new LlmStreamException($"{Host.Name} sent a line that is not Ollama's chat chunk ({ex.Message}); the answer is incomplete", ex);
        }
    }

    private void Complete(ChatDoneResponseStream final)
    {
        Final = final;
        Report(succeeded: true, null);
        if (Host.IsLocal)
        {
            double? rate = final is { EvalCount: > 0, EvalDuration: > 0 } ? final.EvalCount / (final.EvalDuration / 1e9) : null;
            _local.Record(TtftMs, rate);
        }
    }

    /// <summary>Tells the router how the answer went, once (the first outcome wins: a failure, the finish, or the client leaving).</summary>
    private void Report(bool succeeded, string? failure)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            _router.Finished(this, succeeded, failure);
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
            await _lines.DisposeAsync();
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
