using MeshMind.Hosting;
using Microsoft.Extensions.Options;

namespace MeshMind.Analytics;

/// <summary>Analytics history (configuration section <c>Analytics</c>).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>How long hourly buckets are kept (the 7-day and 30-day views).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long minute buckets are kept (the 1-hour to 24-hour views); at least 24 hours.</summary>
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How often gauges are sampled and finished minutes are written to the database.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Metrics, traces and logs for operators' tools (configuration section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>An OTLP endpoint (e.g. http://collector:4317) to export traces and metrics to; empty = off.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>Whether <c>/metrics</c> answers without a session or API key (for a Prometheus without credentials).</summary>
    public bool AnonymousMetrics { get; set; }

    /// <summary>Console log format: <c>simple</c> (one line each) or <c>json</c> (structured, one object per line).</summary>
    public string LogFormat { get; set; } = "simple";

    /// <summary>The same log line repeated within this time is written once, then once more with how often it was repeated.</summary>
    public TimeSpan LogDebounce { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class AnalyticsOptionsValidator : IValidateOptions<AnalyticsOptions>, IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsOptions options)
    {
        var errors = new ValidationErrors();
        errors.Range("Analytics:Retention", options.Retention, TimeSpan.FromDays(1), TimeSpan.FromDays(3650));
        errors.Range("Analytics:MinuteRetention", options.MinuteRetention, TimeSpan.FromHours(24), TimeSpan.FromDays(31));
        errors.Range("Analytics:FlushInterval", options.FlushInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        return errors.Result();
    }

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = new ValidationErrors();
        if (options.OtlpEndpoint.Length > 0)
        {
            errors.HttpUrl("Telemetry:OtlpEndpoint", options.OtlpEndpoint);
        }

        if (options.LogFormat is not ("simple" or "json"))
        {
            errors.Add("Telemetry:LogFormat", "must be 'simple' or 'json'");
        }

        errors.Range("Telemetry:LogDebounce", options.LogDebounce, TimeSpan.Zero, TimeSpan.FromHours(1));
        return errors.Result();
    }
}
