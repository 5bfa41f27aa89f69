using System.Diagnostics.Metrics;
using MeshMind.Infrastructure;

namespace MeshMind.Discovery;

/// <summary>
/// Counters for discovery traffic: datagrams and bytes in and out, drops by reason. Published as instruments of the meter
/// <c>MeshMind.Discovery</c>: <c>meshmind.discovery.datagrams</c> {direction: sent, received} and
/// <c>meshmind.discovery.dropped</c> {reason}, since start; the bytes are the <c>discovery</c> channel of <c>meshmind.network.bytes</c>.
/// </summary>
internal sealed class DiscoveryStats
{
    public const string MeterName = "MeshMind.Discovery";
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private long _received;
    private long _sent;
    private long _bytesIn;
    private long _bytesOut;

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
        traffic.Observe("discovery", () => (BytesIn, BytesOut));
    }

    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

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
}
