namespace MeshMind.Telemetry;

/// <summary>Metrics, traces and logs for operators' tools (configuration section <c>Telemetry</c>).</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>An OTLP endpoint (e.g. http://collector:4317) to export traces and metrics to; empty = off.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>How to talk to <see cref="OtlpEndpoint"/>: <c>grpc</c> (usually port 4317) or <c>http/protobuf</c> (usually 4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Whether <c>/metrics</c> answers without a session or API key (for a Prometheus without credentials).</summary>
    public bool AnonymousMetrics { get; set; }

    /// <summary>Console log format: <c>simple</c> (one line each) or <c>json</c> (structured, one object per line).</summary>
    public string LogFormat { get; set; } = "simple";

    /// <summary>The same log line repeated within this time is written once, then once more with how often it was repeated.</summary>
    public TimeSpan LogDebounce { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Also write logs to this file (<c>--log-file</c>), rotated by size; empty = console only. A relative path is resolved
    /// against the directory meshmind was started in. An installed service logs to the platform's log directory.
    /// </summary>
    public string LogFile { get; set; } = "";

    /// <summary>Size at which <see cref="LogFile"/> is rotated (it becomes <c>FILE.1</c>, and a new one is started).</summary>
    public long LogFileMaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Log files kept in all, the current one included: at most <see cref="LogFileMaxBytes"/> × this many bytes.</summary>
    public int LogFileCount { get; set; } = 5;
}
