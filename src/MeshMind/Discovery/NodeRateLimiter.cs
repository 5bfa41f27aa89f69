namespace MeshMind.Discovery;

/// <summary>
/// A token bucket per node id (refilled at <c>perSecond</c>, bursts up to as many), applied to announcements whose tag has
/// been verified, so one node's announcements cannot crowd out another's. Tracks at most <see cref="MaxNodes"/> ids.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting's <c>TokenBucketRateLimiter</c>: its refill reads the real clock (<c>Stopwatch</c>)
/// even when replenished by hand, so it cannot follow <see cref="TimeProvider"/> and a fake clock in tests. Only the
/// receive loop calls this, so it needs no lock.
/// </remarks>
internal sealed class NodeRateLimiter(int perSecond, TimeProvider time)
{
    public const int MaxNodes = 4096;
    private readonly Dictionary<string, (double Tokens, long Stamp)> _buckets = new(StringComparer.Ordinal);

    public bool TryAcquire(string nodeId)
    {
        var now = time.GetTimestamp();
        if (!_buckets.TryGetValue(nodeId, out var bucket))
        {
            if (_buckets.Count >= MaxNodes)
            {
                _buckets.Clear();
            }

            bucket = (perSecond, now);
        }

        var refill = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * perSecond;
        var tokens = Math.Min(perSecond, bucket.Tokens + refill);
        var allowed = tokens >= 1;
        _buckets[nodeId] = (allowed ? tokens - 1 : tokens, now);
        return allowed;
    }
}
