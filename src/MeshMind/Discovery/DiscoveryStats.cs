using System.Diagnostics.Metrics;
using MeshMind.Infrastructure;

namespace MeshMind.Discovery;

/// <summary>
/// Counters for discovery traffic: datagrams and bytes in and out, drops by reason. Published as instruments of the meter
/// <c>MeshMind.Discovery</c>: <c>meshmind.discovery.datagrams</c> {direction: sent, received} and
/// <c>meshmind.discovery.dropped</c> {reason}, since start; the bytes are the <c>discovery</c> channel of <c>meshmind.network.bytes</c>.
/// <c>meshmind.discovery.replies</c> {outcome: Sent, RateLimited, OffSubnet} counts the answers to newcomers' announcements,
/// sent or held back (<see cref="ReplyLimiter"/>, <see cref="LanSubnets"/>).
/// </summary>
internal sealed class DiscoveryStats
{
    public const string MeterName = "MeshMind.Discovery";
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private long _received;
    private long _sent;
    private long _bytesIn;
    private long _bytesOut;
    private long _repliesSent;
    private long _repliesLimited;
    private long _repliesOffSubnet;

    public DiscoveryStats(IMeterFactory meters, TrafficMetrics traffic)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("meshmind.discovery.datagrams", () => new[]
        {
            new Measurement<long>(Sent, new KeyValuePair<string, object?>("direction", "sent")),
            new Measurement<long>(Received, new KeyValuePair<string, object?>("direction", "received")),
        }, "{datagram}", "Discovery datagrams sent and received");
        meter.CreateObservableCounter("meshmind.discovery.dropped",
            () => DroppedByReason().Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("reason", d.Key))),
            "{datagram}", "Discovery datagrams dropped, by reason");
        meter.CreateObservableCounter("meshmind.discovery.replies", () => new[]
        {
            new Measurement<long>(RepliesSent, new KeyValuePair<string, object?>("outcome", "Sent")),
            new Measurement<long>(RepliesLimited, new KeyValuePair<string, object?>("outcome", "RateLimited")),
            new Measurement<long>(RepliesOffSubnet, new KeyValuePair<string, object?>("outcome", "OffSubnet")),
        }, "{datagram}", "Answers to newcomers' announcements: sent, held back by the reply bounds, or not sent to an address on none of this node's subnets");
        traffic.Observe("discovery", () => (BytesIn, BytesOut));
    }

    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Answers to announcements sent.</summary>
    public long RepliesSent => Interlocked.Read(ref _repliesSent);

    /// <summary>Answers to announcements held back by <see cref="ReplyLimiter"/>.</summary>
    public long RepliesLimited => Interlocked.Read(ref _repliesLimited);

    /// <summary>Answers to announcements not sent because their source is on none of this node's subnets.</summary>
    public long RepliesOffSubnet => Interlocked.Read(ref _repliesOffSubnet);

    public long Dropped(DropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    public IReadOnlyDictionary<string, long> DroppedByReason() =>
        Enum.GetValues<DropReason>().Where(r => r != DropReason.None).ToDictionary(r => r.ToString(), Dropped);

    internal void OnReceived(int bytes)
    {
        Interlocked.Increment(ref _received);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    internal void OnSent(int bytes)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    internal void OnDropped(DropReason reason) => Interlocked.Increment(ref _dropped[(int)reason]);

    internal void OnReplySent() => Interlocked.Increment(ref _repliesSent);

    internal void OnReplyWithheld(bool offSubnet) => Interlocked.Increment(ref offSubnet ? ref _repliesOffSubnet : ref _repliesLimited);
}
