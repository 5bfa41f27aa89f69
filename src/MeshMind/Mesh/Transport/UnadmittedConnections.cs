using System.Net;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The mesh connections that have not yet proven admission, per address and in all, oldest first, and the choice of which
/// one gives way when a cap is full (<see cref="MeshConnectionGate"/>).
/// </summary>
/// <remarks>
/// Issue 14, finding 11: refusing the newest connection when a cap was full let whoever filled it first keep it. One address
/// holding 16 silent connections locked out every honest node behind it (NAT, several nodes on one host) until the
/// deadline, then filled the cap again at once; and there was no total, so many addresses together held as much as they
/// liked. Now the oldest connection gives way to a new one, so a holder only churns while a newcomer gets in; and a total
/// cap bounds all addresses together (an IPv6 host alone has a /64 of them). When the total is full, the oldest connection
/// of the address holding the most gives way, so a flood from a few addresses evicts its own connections, not a lone
/// honest one. A connection younger than <c>grace</c> never gives way: otherwise a client that opens a new connection
/// whenever one of its own is closed would push an honest one out before its handshake could finish. To keep every place
/// full of connections too young to evict, a client has to open cap ÷ grace new connections every second.
/// </remarks>
internal sealed class UnadmittedConnections(int perAddress, int total, TimeSpan grace, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, LinkedList<MeshConnectionFeature>> _byAddress = [];
    private int _count;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="connection"/> and returns true, with the connection it displaced (to be closed) in
    /// <paramref name="evicted"/> when a cap was full; or returns false when every connection that could give way is still
    /// within its grace period. <paramref name="reason"/> says which cap, and whether it evicted or refused.
    /// </summary>
    public bool TryAdd(MeshConnectionFeature connection, out MeshConnectionFeature? evicted, out GateDropReason reason)
    {
        lock (_lock)
        {
            evicted = null;
            reason = default;
            _byAddress.TryGetValue(connection.Remote, out var own);
            if (own is not null && own.Count >= perAddress)
            {
                evicted = own.First!.Value;
                reason = GateDropReason.EvictedAddressCap;
            }
            else if (_count >= total)
            {
                evicted = Fullest().First!.Value;
                reason = GateDropReason.EvictedTotalCap;
            }

            if (evicted is not null)
            {
                if (time.GetElapsedTime(evicted.Opened) < grace)
                {
                    evicted = null;
                    reason = reason == GateDropReason.EvictedAddressCap ? GateDropReason.RefusedAddressCap : GateDropReason.RefusedTotalCap;
                    return false;
                }

                RemoveLocked(evicted);
            }

            if (own is null || own.Count == 0)
            {
                own = new LinkedList<MeshConnectionFeature>();
                _byAddress[connection.Remote] = own;
            }

            connection.Pending = own.AddLast(connection);
            _count++;
            return true;
        }
    }

    /// <summary>Takes <paramref name="connection"/> out; true if it was still counted (not yet admitted, evicted or removed).</summary>
    public bool Remove(MeshConnectionFeature connection)
    {
        lock (_lock)
        {
            return RemoveLocked(connection);
        }
    }

    private bool RemoveLocked(MeshConnectionFeature connection)
    {
        if (connection.Pending is not { List: { } list } node)
        {
            return false;
        }

        list.Remove(node);
        _count--;
        if (list.Count == 0)
        {
            _byAddress.Remove(connection.Remote);
        }

        return true;
    }

    /// <summary>The address holding the most connections; of equals, the one whose oldest connection is oldest.</summary>
    private LinkedList<MeshConnectionFeature> Fullest()
    {
        LinkedList<MeshConnectionFeature>? fullest = null;
        foreach (var list in _byAddress.Values)
        {
            if (fullest is null || list.Count > fullest.Count
                || (list.Count == fullest.Count && list.First!.Value.Opened < fullest.First!.Value.Opened))
            {
                fullest = list;
            }
        }

        return fullest!;
    }
}
