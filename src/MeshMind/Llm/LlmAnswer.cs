using OllamaSharp.Models.Chat;

namespace MeshMind.Llm;

/// <summary>
/// An answer that has started on one host. <see cref="ReadAsync"/> yields Ollama chunks as they arrive and ends after the
/// chunk with <c>done</c>; a host that fails, ends early, or sends nothing for the stall timeout raises
/// <see cref="LlmStreamException"/> — a broken answer is never passed off as a finished one. Disposing cancels the
/// request at the host.
/// </summary>
public sealed class LlmAnswer : IAsyncDisposable
{
    private readonly LlmRouter _router;
    private readonly LocalLlm _local;
    private readonly IAsyncEnumerator<ChatResponseStream?> _chunks;
    private readonly ChatResponseStream _first;
    private readonly long _started;
    private readonly IDisposable _slot;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationToken _clientToken;
    private int _disposed;
    private int _reported;
    private bool _stallArmed;
    private long _deadlineSetAt;

    internal LlmAnswer(LlmRouter router, LocalLlm local, LlmHost host, string model, IAsyncEnumerator<ChatResponseStream?> chunks,
        ChatResponseStream first, double ttftMs, long started, IDisposable slot, CancellationTokenSource deadline,
        CancellationTokenSource linked, TimeSpan stallTimeout, TimeProvider time, CancellationToken clientToken)
    {
        _router = router;
        _local = local;
        Host = host;
        Model = model;
        _chunks = chunks;
        _first = first;
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

    /// <param name="output">
    /// Flushed whenever the next chunk is not there yet, so every chunk reaches the client as soon as it exists, while a
    /// burst of chunks that are already here goes out in one write instead of one per token.
    /// </param>
    public async IAsyncEnumerable<ChatResponseStream> ReadAsync(System.IO.Pipelines.PipeWriter? output = null)
    {
        var chunk = _first;
        while (true)
        {
            yield return chunk;
            if (chunk.Done)
            {
                Complete(chunk as ChatDoneResponseStream);
                yield break;
            }

            chunk = await NextAsync(output);
        }
    }

    private async Task<ChatResponseStream> NextAsync(System.IO.Pipelines.PipeWriter? output)
    {
        while (true)
        {
            // Restarting the stall timer costs a timer update; at thousands of chunks a second, doing it once per
            // 1/16 of the timeout is enough (a stall is then noticed after 15/16 to 16/16 of it).
            if (!_stallArmed || _time.GetElapsedTime(_deadlineSetAt) >= _stallTimeout / 16)
            {
                _stallArmed = true;
                _deadline.CancelAfter(_stallTimeout);
                _deadlineSetAt = _time.GetTimestamp();
            }

            bool more;
            try
            {
                var next = _chunks.MoveNextAsync();
                if (!next.IsCompleted && output is not null)
                {
                    await output.FlushAsync(_clientToken);
                }

                more = await next;
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

            if (_chunks.Current is { } chunk)
            {
                return chunk;
            }
        }
    }

    private void Complete(ChatDoneResponseStream? final)
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
            await _chunks.DisposeAsync();
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
