namespace MeshMind.Infrastructure;

/// <summary>
/// At most <paramref name="limit"/> events in any <paramref name="window"/> (a sliding window of event times), on an injected
/// clock. System.Threading.RateLimiting's limiters read the system clock, so tests could not drive them.
/// </summary>
internal sealed class RateWindow(int limit, TimeSpan window, TimeProvider time)
{
    private readonly Queue<DateTimeOffset> _events = new();
    private readonly Lock _lock = new();

    /// <summary>Counts an event and returns true, or returns false (counting nothing) when the window is full.</summary>
    public bool TryTake()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            while (_events.TryPeek(out var oldest) && now - oldest >= window)
            {
                _events.Dequeue();
            }

            if (_events.Count >= limit)
            {
                return false;
            }

            _events.Enqueue(now);
            return true;
        }
    }
}
