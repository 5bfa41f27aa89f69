using System.Diagnostics.Metrics;

namespace MeshMind.Infrastructure;

/// <summary>
/// Calls this node makes over HTTP (to peers, to its LLM backend): <c>meshmind.peer_call.duration</c> {target, route,
/// error} in seconds, and <c>meshmind.peer_call.bytes</c> {target, route, direction}. Measured by <see cref="CallMetricsHandler"/>.
/// </summary>
internal sealed class OutboundCallMetrics
{
    public const string MeterName = "MeshMind.Http";
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _bytes;
    private readonly TrafficMetrics _traffic;

    public OutboundCallMetrics(IMeterFactory meters, TrafficMetrics traffic)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram<double>("meshmind.peer_call.duration", "s", "Calls this node makes to peers and to its LLM backend");
        _bytes = meter.CreateCounter<long>("meshmind.peer_call.bytes", "By", "Bytes of those calls by direction");
        _traffic = traffic;
    }

    /// <summary>One call that ended (its body read or dropped); <paramref name="channel"/>, when given, also counts its bytes as that traffic channel.</summary>
    public void Record(string target, string route, double milliseconds, bool error, long bytesIn, long bytesOut, string? channel)
    {
        _duration.Record(milliseconds / 1000, new("target", target), new("route", route), new("error", error));
        if (bytesIn > 0)
        {
            _bytes.Add(bytesIn, new("target", target), new("route", route), new("direction", "in"));
        }

        if (bytesOut > 0)
        {
            _bytes.Add(bytesOut, new("target", target), new("route", route), new("direction", "out"));
        }
        if (channel is not null)
        {
            _traffic.Add(channel, bytesIn, bytesOut);
        }
    }
}
