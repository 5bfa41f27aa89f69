namespace MeshMind.Analytics;

/// <summary>Analytics history (configuration section <c>Analytics</c>).</summary>
internal sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>How long hourly buckets are kept (the 7-day and 30-day views).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long minute buckets are kept (the 1-hour to 24-hour views); at least 24 hours.</summary>
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How often gauges are sampled and finished minutes are written to the database.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether every HTTP request is measured per route (the perf analytics); off leaves those empty.</summary>
    public bool MeasureRequests { get; set; } = true;
}
