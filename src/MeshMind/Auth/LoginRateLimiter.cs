using System.Net;
using Microsoft.Extensions.Options;

namespace MeshMind.Auth;

/// <summary>
/// Counts failed logins per client address in a sliding window. Once a client reaches the limit it is refused
/// (even with the right password) until its oldest failure leaves the window.
/// </summary>
/// <remarks>Memory is bounded: at most <see cref="MaxTrackedClients"/> addresses are tracked; expired entries are swept first.</remarks>
internal sealed class LoginRateLimiter(IOptions<AuthOptions> options, TimeProvider time)
{
    public const int MaxTrackedClients = 10_000;

    private readonly int _limit = options.Value.MaxFailedLogins;
    private readonly TimeSpan _window = options.Value.FailedLoginWindow;
    private readonly Dictionary<IPAddress, Queue<DateTimeOffset>> _failures = [];
    private readonly Lock _lock = new();

    /// <summary>How long the client must wait before trying again, or null if it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress client)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (!_failures.TryGetValue(client, out var failures))
            {
                return null;
            }

            Expire(failures, now);
            if (failures.Count == 0)
            {
                _failures.Remove(client);
                return null;
            }

            return failures.Count >= _limit ? failures.Peek() + _window - now : null;
        }
    }

    public void RecordFailure(IPAddress client)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (!_failures.TryGetValue(client, out var failures))
            {
                if (_failures.Count >= MaxTrackedClients)
                {
                    Sweep(now);
                }

                if (_failures.Count >= MaxTrackedClients)
                {
                    // Under a flood of distinct addresses, forget the stalest rather than grow without bound.
                    _failures.Remove(_failures.MinBy(f => f.Value.Peek()).Key);
                }

                failures = new Queue<DateTimeOffset>();
                _failures[client] = failures;
            }

            Expire(failures, now);
            failures.Enqueue(now);
            while (failures.Count > _limit)
            {
                failures.Dequeue();
            }
        }
    }

    public void RecordSuccess(IPAddress client)
    {
        lock (_lock)
        {
            _failures.Remove(client);
        }
    }

    private void Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && failures.Peek() + _window <= now)
        {
            failures.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (client, failures) in _failures)
        {
            Expire(failures, now);
            if (failures.Count == 0)
            {
                _failures.Remove(client);
            }
        }
    }
}
