using System.Collections.Concurrent;

namespace MeshMind.Telemetry;

/// <summary>
/// Writes a log line that repeats within <c>window</c> once, drops the repeats, and when the line next comes after the
/// window writes it with how many were dropped (seed: "debounces noisy logs"). Lines are the same when their category,
/// event id, level and text are. Critical lines are never held back; a window of zero turns debouncing off.
/// </summary>
internal sealed class DebouncingLoggerProvider(ILoggerProvider inner, TimeSpan window, TimeProvider time) : ILoggerProvider
{
    /// <summary>Distinct lines remembered at most; past it the memory starts over (a flood of distinct lines is not repeats).</summary>
    public const int MaxRemembered = 4096;

    private readonly ConcurrentDictionary<string, Seen> _seen = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName, inner.CreateLogger(categoryName));

    public void Dispose() => inner.Dispose();

    /// <summary>How many earlier repeats to report with this line, or null to drop it.</summary>
    private long? Admit(string key)
    {
        var now = time.GetTimestamp();
        if (_seen.Count >= MaxRemembered)
        {
            _seen.Clear();
        }

        var seen = _seen.GetOrAdd(key, static _ => new Seen());
        lock (seen)
        {
            if (seen.WrittenAt is { } at && time.GetElapsedTime(at, now) < window)
            {
                seen.Dropped++;
                return null;
            }

            var dropped = seen.Dropped;
            (seen.WrittenAt, seen.Dropped) = (now, 0);
            return dropped;
        }
    }

    private sealed class Seen
    {
        public long? WrittenAt { get; set; }

        public long Dropped { get; set; }
    }

    private sealed class Logger(DebouncingLoggerProvider owner, string category, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            if (logLevel == LogLevel.Critical || owner.Admit($"{category}\n{eventId.Id}\n{logLevel}\n{formatter(state, exception)}") is not { } dropped)
            {
                if (logLevel == LogLevel.Critical)
                {
                    inner.Log(logLevel, eventId, state, exception, formatter);
                }

                return;
            }

            if (dropped == 0)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
            else
            {
                inner.Log(logLevel, eventId, state, exception, (s, e) => $"{formatter(s, e)} (repeated {dropped} more times since it was last written)");
            }
        }
    }
}
