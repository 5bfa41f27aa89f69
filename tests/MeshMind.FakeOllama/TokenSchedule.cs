namespace MeshMind.FakeOllama;

/// <summary>
/// Paces a stream at a fixed rate: token <c>i</c> (from 0) is due <c>i / rate</c> seconds after the start. A waiter
/// wakes when the next token is due and is told how many are due by then, so it can send every token whose time has
/// passed; a late wake-up (timer granularity, a busy machine) delays tokens but does not lower the rate.
/// </summary>
public sealed class TokenSchedule
{
    private readonly double _tokensPerSecond;
    private readonly TimeProvider _time;
    private readonly long _start;

    /// <summary>Starts the schedule now: the first token is due at once.</summary>
    public TokenSchedule(double tokensPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerSecond);
        _tokensPerSecond = tokensPerSecond;
        _time = time;
        _start = time.GetTimestamp();
    }

    /// <summary>When token <paramref name="index"/> is due, after the start.</summary>
    public TimeSpan DueAt(int index) => TimeSpan.FromTicks((long)Math.Ceiling(index * TimeSpan.TicksPerSecond / _tokensPerSecond));

    /// <summary>How many tokens are due by now (counting from token 0, which is due at the start).</summary>
    public int Due()
    {
        var due = Math.Floor(_time.GetElapsedTime(_start).Ticks * _tokensPerSecond / TimeSpan.TicksPerSecond) + 1;
        return due >= int.MaxValue ? int.MaxValue : (int)due;
    }

    /// <summary>
    /// Waits until token <paramref name="index"/> is due (not at all if it is already) and returns how many tokens are due
    /// then: at least <paramref name="index"/> + 1, more when the wake-up came late.
    /// </summary>
    public async ValueTask<int> WaitForAsync(int index, CancellationToken cancellationToken)
    {
        var wait = DueAt(index) - _time.GetElapsedTime(_start);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }

        return Math.Max(index + 1, Due());
    }
}
