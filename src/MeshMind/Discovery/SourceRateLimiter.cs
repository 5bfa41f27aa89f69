using System.Net;

namespace MeshMind.Discovery;

/// <summary>
/// A token bucket per source address (refilled each second up to <c>perSecond</c>), so one noisy or hostile sender
/// cannot crowd out the rest. Tracks at most <see cref="MaxSources"/> addresses.
/// </summary>
internal sealed class SourceRateLimiter(int perSecond, TimeProvider time)
{
    public const int MaxSources = 4096;
    private readonly Dictionary<IPAddress, (double Tokens, long Stamp)> _buckets = [];

    public bool TryAcquire(IPAddress source)
    {
        var now = time.GetTimestamp();
        if (!_buckets.TryGetValue(source, out var bucket))
        {
            if (_buckets.Count >= MaxSources)
            {
                _buckets.Clear();
            }

            bucket = (perSecond, now);
        }

        var refill = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * perSecond;
        var tokens = Math.Min(perSecond, bucket.Tokens + refill);
        var allowed = tokens >= 1;
        _buckets[source] = (allowed ? tokens - 1 : tokens, now);
        return allowed;
    }
}
