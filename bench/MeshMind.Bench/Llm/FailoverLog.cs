using MeshMind.Llm.Routing;
using Microsoft.Extensions.Logging;

namespace MeshMind.Bench.Llm;

/// <summary>The router's log, reduced to what the failover benchmark checks: how many times it moved on to the next host, and why.</summary>
internal sealed class FailoverLog : ILogger<LlmRouter>
{
    /// <summary><c>LlmRouter</c>'s "could not answer; trying the next" event.</summary>
    private const int FailedOverEvent = 610;

    private int _count;

    public int Count => Volatile.Read(ref _count);

    public string? LastMessage { get; private set; }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == FailedOverEvent)
        {
            // Formatted as a console logger would, so the measured failover pays for its log line.
            LastMessage = formatter(state, exception);
            Interlocked.Increment(ref _count);
        }
    }
}
