namespace MeshMind.Llm.Routing;

internal enum BreakerState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>
/// One peer's circuit breaker (DESIGN §6): opens after <see cref="FailuresToOpen"/> consecutive failures, lets a trial
/// through after <see cref="OpenFor"/>, and closes again after <see cref="SuccessesToClose"/> successes in a row. A peer
/// that links again (it restarted, or its link came back) starts closed: <see cref="Reset"/>.
/// </summary>
internal sealed class CircuitBreaker(TimeProvider time)
{
    public const int FailuresToOpen = 3;
    public const int SuccessesToClose = 2;
    public static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private BreakerState _state = BreakerState.Closed;
    private int _failures;
    private int _successes;
    private DateTimeOffset _openedAt;

    public BreakerState State
    {
        get
        {
            lock (_lock)
            {
                return Current();
            }
        }
    }

    /// <summary>Whether a request may go to this peer now (closed, or half-open for a trial).</summary>
    public bool Allows => State != BreakerState.Open;

    /// <summary>When the breaker last opened; when every host of a model is open, the least recently failed is tried first.</summary>
    public DateTimeOffset OpenedAt
    {
        get
        {
            lock (_lock)
            {
                return _openedAt;
            }
        }
    }

    /// <summary>Closes the breaker and forgets its count: the peer linked again, so how it failed before says nothing of it now.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _state = BreakerState.Closed;
            _failures = 0;
            _successes = 0;
        }
    }

    public void Success()
    {
        lock (_lock)
        {
            _failures = 0;
            if (Current() == BreakerState.HalfOpen && ++_successes < SuccessesToClose)
            {
                return;
            }

            _state = BreakerState.Closed;
            _successes = 0;
        }
    }

    public void Failure()
    {
        lock (_lock)
        {
            _successes = 0;
            if (Current() == BreakerState.HalfOpen || ++_failures >= FailuresToOpen)
            {
                _state = BreakerState.Open;
                _openedAt = time.GetUtcNow();
                _failures = 0;
            }
        }
    }

    private BreakerState Current()
    {
        if (_state == BreakerState.Open && time.GetUtcNow() - _openedAt >= OpenFor)
        {
            _state = BreakerState.HalfOpen;
            _successes = 0;
        }

        return _state;
    }
}
