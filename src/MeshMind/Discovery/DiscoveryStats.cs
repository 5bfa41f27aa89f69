namespace MeshMind.Discovery;

/// <summary>Counters for discovery traffic: datagrams and bytes in and out, drops by reason.</summary>
public sealed class DiscoveryStats
{
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private long _received;
    private long _sent;
    private long _bytesIn;
    private long _bytesOut;

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
