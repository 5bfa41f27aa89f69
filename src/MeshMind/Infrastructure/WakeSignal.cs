namespace MeshMind.Infrastructure;

/// <summary>
/// Wakes a background loop before its next tick: the loop waits for "the tick has passed, or <see cref="Set"/> was called",
/// whichever comes first. One loop waits on it; any thread may set it, and a set that comes while nobody waits is kept
/// (once) for the next wait.
/// </summary>
/// <remarks>
/// The wait for the signal stays pending from one round to the next instead of being cancelled when the tick wins. A
/// cancelled <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/> throws inside the runtime, so the usual
/// "cancel the loser" pattern cost an idle node an exception on every tick (two a second in the link manager).
/// </remarks>
internal sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private Task? _pending;

    /// <summary>Wakes the waiting loop, or the next wait if none is waiting; a second set before then changes nothing.</summary>
    public void Set()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // One is already pending.
        }
        catch (ObjectDisposedException)
        {
            // The loop has ended.
        }
    }

    /// <summary>Waits until <paramref name="tick"/> has passed on <paramref name="time"/> or the signal is set.</summary>
    /// <param name="tick">The longest wait.</param>
    /// <param name="time">The clock of the tick.</param>
    /// <param name="cancellationToken">The loop's stopping token; pass the same one on every call.</param>
    /// <returns><see langword="true"/> when woken by <see cref="Set"/>, <see langword="false"/> when the tick passed.</returns>
    public async Task<bool> WaitAsync(TimeSpan tick, TimeProvider time, CancellationToken cancellationToken)
    {
        var signal = _pending ??= _signal.WaitAsync(cancellationToken);
        using var stopTick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(tick, time, stopTick.Token);
        if (await Task.WhenAny(delay, signal) == signal)
        {
            _pending = null;
            await stopTick.CancelAsync();
            await signal; // throws if it ended because the loop is stopping
            return true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return false;
    }

    public void Dispose() => _signal.Dispose();
}
