#pragma warning disable CA1848 // The test calls the logging extension methods the way most code does.
using MeshMind.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Analytics;

public sealed class DebouncingLoggerTests
{
    private sealed class Collecting : ILoggerProvider, ILogger
    {
        public List<(LogLevel Level, string Text)> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));

        public void Dispose()
        {
        }
    }

    [Fact]
    public void RepeatsWithinTheWindow_AreWrittenOnce_ThenOnceMoreWithTheirCount()
    {
        var sink = new Collecting();
        var time = new FakeTimeProvider();
        using var provider = new DebouncingLoggerProvider(sink, TimeSpan.FromSeconds(30), time);
        var logger = provider.CreateLogger("MeshMind.Discovery");

        for (var i = 0; i < 5; i++)
        {
            logger.LogWarning("datagram from {Address} dropped: bad signature", "127.0.0.7");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        logger.LogWarning("datagram from {Address} dropped: bad signature", "127.0.0.8");   // different text: written
        logger.LogCritical("disk full");
        logger.LogCritical("disk full");                                                  // critical: never held back
        logger.LogDebug("below the sink's level");                                       // not enabled: nothing
        time.Advance(TimeSpan.FromSeconds(30));
        logger.LogWarning("datagram from {Address} dropped: bad signature", "127.0.0.7");
        logger.LogWarning("datagram from {Address} dropped: bad signature", "127.0.0.7");

        Assert.Equal(
        [
            (LogLevel.Warning, "datagram from 127.0.0.7 dropped: bad signature"),
            (LogLevel.Warning, "datagram from 127.0.0.8 dropped: bad signature"),
            (LogLevel.Critical, "disk full"),
            (LogLevel.Critical, "disk full"),
            (LogLevel.Warning, "datagram from 127.0.0.7 dropped: bad signature (repeated 4 more times since it was last written)"),
        ], sink.Lines);
    }

    [Fact]
    public void ZeroWindow_WritesEverything()
    {
        var sink = new Collecting();
        using var provider = new DebouncingLoggerProvider(sink, TimeSpan.Zero, new FakeTimeProvider());
        var logger = provider.CreateLogger("x");

        logger.LogInformation("same");
        logger.LogInformation("same");

        Assert.Equal(2, sink.Lines.Count);
    }
}
