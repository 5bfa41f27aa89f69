using System.Net;
using MeshMind.Discovery;

namespace MeshMind.Mesh;

/// <summary>
/// Every peer this node has heard of (discovery hints, later links), keyed by node id — never by address, since
/// addresses change and several nodes may share one host.
/// </summary>
public sealed class PeerDirectory(TimeProvider time)
{
    public const int MaxAddressesPerPeer = 4;
    public const int MaxPeers = 1024;

    private readonly Dictionary<string, PeerInfo> _peers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Records an authenticated announcement. Returns true when the node was not known (or had gone offline) before.</summary>
    public bool Observe(Announcement announcement, IPAddress address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var known = _peers.TryGetValue(announcement.NodeId, out var peer);
            if (!known && _peers.Count >= MaxPeers)
            {
                return false;
            }

            var online = announcement.Type == Announcement.Online;
            var addresses = new List<IPAddress> { address };
            if (peer is not null)
            {
                addresses.AddRange(peer.Addresses.Where(a => !a.Equals(address)).Take(MaxAddressesPerPeer - 1));
            }

            _peers[announcement.NodeId] = new PeerInfo(
                announcement.NodeId, announcement.InstanceId, announcement.Name, addresses, announcement.HttpPort, announcement.MeshPort,
                announcement.HasLlm, peer?.Models ?? [], peer?.LinkState ?? LinkState.Down, peer?.RttMs,
                peer?.FirstSeen ?? now, now, online, _revoked.Contains(announcement.NodeId));
            return online && (!known || !peer!.Online);
        }
    }

    public IReadOnlyList<PeerInfo> Snapshot()
    {
        lock (_lock)
        {
            return [.. _peers.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.NodeId, StringComparer.Ordinal)];
        }
    }

    public PeerInfo? Find(string nodeId)
    {
        lock (_lock)
        {
            return _peers.GetValueOrDefault(nodeId);
        }
    }

    public bool IsRevoked(string nodeId)
    {
        lock (_lock)
        {
            return _revoked.Contains(nodeId);
        }
    }

    /// <summary>Marks a node revoked from now on; known or not, it is never admitted again.</summary>
    public void Revoke(string nodeId)
    {
        lock (_lock)
        {
            _revoked.Add(nodeId);
            if (_peers.TryGetValue(nodeId, out var peer))
            {
                _peers[nodeId] = peer with { Revoked = true, LinkState = LinkState.Down, RttMs = null };
            }
        }
    }

    /// <summary>Peers with a live link: what <c>peer_count</c> reports.</summary>
    public int LinkedCount
    {
        get
        {
            lock (_lock)
            {
                return _peers.Values.Count(p => p.LinkState == LinkState.Up && !p.Revoked);
            }
        }
    }
}
