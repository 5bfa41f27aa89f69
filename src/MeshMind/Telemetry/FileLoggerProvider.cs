using System.Globalization;
using System.Text;

namespace MeshMind.Telemetry;

/// <summary>
/// Writes log entries to a <see cref="RollingLogFile"/>, one line each (<c>2025-01-31T12:00:00.000Z info Category[id] message</c>),
/// an exception's lines indented below it. Messages are the node's own <c>[LoggerMessage]</c> texts, which never carry secrets.
/// </summary>
internal sealed class FileLoggerProvider(RollingLogFile file, TimeProvider time) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose() => file.Dispose();

    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        var entry = new StringBuilder(128 + message.Length);
        entry.Append(time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
            .Append(' ').Append(LevelName(level))
            .Append(' ').Append(category).Append('[').Append(eventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ");
        AppendIndented(entry, message);
        entry.Append('\n');
        if (exception is not null)
        {
            entry.Append("  ");
            AppendIndented(entry, exception.ToString());
            entry.Append('\n');
        }

        file.Append(entry.ToString());
    }

    /// <summary>Continuation lines start with two spaces, so each entry begins a line with its timestamp (greppable, parseable).</summary>
    private static void AppendIndented(StringBuilder entry, string text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r':
                    break;
                case '\n':
                    entry.Append("\n  ");
                    break;
                default:
                    entry.Append(c);
                    break;
            }
        }
    }

    private sealed class FileLogger(FileLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(category, logLevel, eventId, formatter(state, exception), exception);
            }
        }
    }
}
