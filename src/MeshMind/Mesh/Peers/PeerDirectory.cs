using System.Net;
using MeshMind.Mesh.Links;

namespace MeshMind.Mesh.Peers;

/// <summary>
/// Every peer this node knows of — from discovery hints, static peers, peer exchange and links — keyed by node id,
/// never by address: addresses change and several nodes may share one host.
/// </summary>
internal sealed partial class PeerDirectory(TimeProvider time, ILogger<PeerDirectory>? logger = null)
{
    public const int MaxAddressesPerPeer = 4;
    public const int MaxPeers = 1024;

    /// <summary>How many of a peer's own links are kept (as many as one peer exchange carries).</summary>
    public const int MaxReportedLinks = 64;

    /// <summary>How long a node dropped as unverified (see <see cref="Forget"/>) is not taken back from hints.</summary>
    public static readonly TimeSpan ForgottenFor = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, PeerInfo> _peers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _admitted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _forgotten = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _reportedLinks = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private IReadOnlyList<PeerInfo>? _snapshot; // sorted, made at the first read after a change (the router reads it per chat)

    /// <summary>Raised (outside the lock) when a node becomes worth dialling: newly heard of, or back online.</summary>
    public event Action<string>? PeerAppeared;

    /// <summary>
    /// Records what an authenticated discovery announcement says: the node is online (or leaving) at <paramref name="address"/>.
    /// Returns true when the node was not known (or had gone offline) before.
    /// </summary>
    public bool Observe(string nodeId, string instanceId, string name, IPAddress address, int httpPort, int meshPort, bool online) =>
        Upsert(nodeId, peer => (peer ?? New(nodeId)) with
        {
            InstanceId = instanceId,
            Name = name,
            Addresses = Merge(address, peer?.Addresses),
            HttpPort = httpPort,
            MeshPort = meshPort,
            LastSeen = time.GetUtcNow(),
            Online = online,
        }, (before, after) => after.Online && before is not { Online: true });

    /// <summary>A node another peer told us about (peer exchange). Returns true when it was unknown.</summary>
    public bool AddCandidate(string nodeId, IEnumerable<IPAddress> addresses, int meshPort) =>
        Upsert(nodeId, peer =>
        {
            var merged = peer?.Addresses ?? [];
            foreach (var address in addresses.Reverse())
            {
                merged = Merge(address, merged);
            }

            return (peer ?? New(nodeId) with { Online = true }) with { Addresses = merged, MeshPort = peer?.MeshPort > 0 ? peer.MeshPort : meshPort };
        }, (before, _) => before is null);

    /// <summary>
    /// Records a completed admission (either direction). <paramref name="meshPort"/> is the port this node dialled and was
    /// admitted on (0 when the peer dialled us): the peer is reachable there before its hello arrives, which on a busy node
    /// can take seconds after the link is up.
    /// </summary>
    public void Admit(string nodeId, string name, IPAddress? address, int meshPort = 0)
    {
        lock (_lock)
        {
            _admitted.Add(nodeId);
            _forgotten.Remove(nodeId);
        }

        Upsert(nodeId, peer => (peer ?? New(nodeId)) with
        {
            Name = string.IsNullOrEmpty(name) ? (peer?.Name ?? "") : name,
            Addresses = address is null ? (peer?.Addresses ?? []) : Merge(address, peer?.Addresses),
            MeshPort = meshPort is > 0 and <= 65535 ? meshPort : peer?.MeshPort ?? 0,
            LastSeen = time.GetUtcNow(),
        }, (_, _) => false);
    }

    public void UpdateHello(string nodeId, HelloMessage hello, IPAddress? address) =>
        Upsert(nodeId, peer => (peer ?? New(nodeId)) with
        {
            InstanceId = hello.InstanceId,
            Name = hello.Name,
            HttpPort = hello.HttpPort,
            MeshPort = hello.MeshPort,
            Addresses = address is null ? (peer?.Addresses ?? []) : Merge(address, peer?.Addresses),
            LastSeen = time.GetUtcNow(),
            Online = true,
        }, (_, _) => false);

    public void SetLink(string nodeId, LinkState state, double? rttMs)
    {
        if (state != LinkState.Up)
        {
            lock (_lock)
            {
                // What a peer said about its links holds only while this node is linked to it.
                _reportedLinks.Remove(nodeId);
            }
        }

        Upsert(nodeId, peer => (peer ?? New(nodeId)) with
        {
            LinkState = state,
            RttMs = state == LinkState.Up ? rttMs ?? peer?.RttMs : null,
            LastSeen = state == LinkState.Up ? time.GetUtcNow() : peer?.LastSeen ?? time.GetUtcNow(),
        }, (_, _) => false);
    }

    /// <summary>
    /// Records the peers <paramref name="nodeId"/> says it is linked to (its latest peer exchange, at most
    /// <see cref="MaxReportedLinks"/>): what lets the Network screen draw links between two peers. Ignored unless this node
    /// is linked to it.
    /// </summary>
    public void ReportLinks(string nodeId, IEnumerable<string> linkedTo)
    {
        lock (_lock)
        {
            if (_peers.TryGetValue(nodeId, out var peer) && peer.LinkState == LinkState.Up)
            {
                _reportedLinks[nodeId] = [.. linkedTo.Where(id => id != nodeId).Distinct(StringComparer.Ordinal).Take(MaxReportedLinks)];
            }
        }
    }

    /// <summary>
    /// Applies what <paramref name="nodeId"/> says changed in its links since its list (<see cref="ReportLinks"/>): at most
    /// <see cref="MaxReportedLinks"/> are kept. Ignored unless this node is linked to it.
    /// </summary>
    public void ReportLinkChanges(string nodeId, IEnumerable<string> added, IEnumerable<string> removed)
    {
        lock (_lock)
        {
            if (_peers.TryGetValue(nodeId, out var peer) && peer.LinkState == LinkState.Up)
            {
                var gone = removed.ToHashSet(StringComparer.Ordinal);
                _reportedLinks[nodeId] = [.. (_reportedLinks.GetValueOrDefault(nodeId) ?? []).Where(id => !gone.Contains(id))
                    .Concat(added.Where(id => id != nodeId && !gone.Contains(id))).Distinct(StringComparer.Ordinal).Take(MaxReportedLinks)];
            }
        }
    }

    /// <summary>The peers <paramref name="nodeId"/> last said it is linked to (other than this node); empty when not known.</summary>
    public IReadOnlyList<string> ReportedLinks(string nodeId)
    {
        lock (_lock)
        {
            return _reportedLinks.GetValueOrDefault(nodeId) ?? [];
        }
    }

    public IReadOnlyList<PeerInfo> Snapshot()
    {
        lock (_lock)
        {
            return _snapshot ??= Array.AsReadOnly(
                [.. _peers.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.NodeId, StringComparer.Ordinal)]);
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

    /// <summary>True for a node that passed admission (now or before a restart) and is not revoked.</summary>
    public bool IsAdmitted(string nodeId)
    {
        lock (_lock)
        {
            return _admitted.Contains(nodeId) && !_revoked.Contains(nodeId);
        }
    }

    public void LoadAdmitted(IEnumerable<string> nodeIds)
    {
        lock (_lock)
        {
            _admitted.UnionWith(nodeIds);
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
                _snapshot = null;
            }
        }
    }

    /// <summary>
    /// A peer revoked before this start, listed (as revoked, down) with what was stored of it, so that a revocation stays
    /// visible and can be undone after a restart.
    /// </summary>
    public void RememberRevoked(string nodeId, string name, IPAddress? address, DateTimeOffset firstSeen, DateTimeOffset lastSeen)
    {
        lock (_lock)
        {
            _revoked.Add(nodeId);
        }

        Upsert(nodeId, peer => peer ?? New(nodeId) with
        {
            Name = name,
            Addresses = address is null ? [] : Merge(address, null),
            FirstSeen = firstSeen,
            LastSeen = lastSeen,
        }, (_, _) => false);
    }

    /// <summary>Lifts a revocation: the node may be admitted and dialled again. False when it was not revoked.</summary>
    public bool Restore(string nodeId)
    {
        lock (_lock)
        {
            if (!_revoked.Remove(nodeId))
            {
                return false;
            }
        }

        if (Find(nodeId) is not null)
        {
            Upsert(nodeId, peer => peer!, (_, after) => after.Online && after.MeshPort > 0);
        }

        return true;
    }

    /// <summary>
    /// Drops a node that never completed a handshake (issue 14: an insider's invented node ids must not be dialled forever):
    /// it leaves the list, and hints about it (discovery, peer exchange) are ignored for <see cref="ForgottenFor"/>; a
    /// completed admission (<see cref="Admit"/>) takes it back at once. False for a node that was admitted or is revoked.
    /// </summary>
    public bool Forget(string nodeId)
    {
        lock (_lock)
        {
            if (_admitted.Contains(nodeId) || _revoked.Contains(nodeId) || !_peers.Remove(nodeId))
            {
                return false;
            }

            _snapshot = null;
            var now = time.GetUtcNow();
            if (_forgotten.Count >= MaxPeers)
            {
                foreach (var expired in _forgotten.Where(f => now - f.Value >= ForgottenFor).Select(f => f.Key).ToList())
                {
                    _forgotten.Remove(expired);
                }
            }

            if (_forgotten.Count < MaxPeers)
            {
                _forgotten[nodeId] = now;
            }

            return true;
        }
    }

    /// <summary>Whether <paramref name="nodeId"/> passed admission at some time (now or before a restart), revoked or not.</summary>
    public bool WasAdmitted(string nodeId)
    {
        lock (_lock)
        {
            return _admitted.Contains(nodeId);
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

    private bool Upsert(string nodeId, Func<PeerInfo?, PeerInfo> update, Func<PeerInfo?, PeerInfo, bool> appeared)
    {
        bool raise;
        PeerInfo? sharing = null;
        lock (_lock)
        {
            var before = _peers.GetValueOrDefault(nodeId);
            if (before is null && (_peers.Count >= MaxPeers || IsForgotten(nodeId)))
            {
                return false;
            }

            var after = update(before) with { Revoked = _revoked.Contains(nodeId) };
            _peers[nodeId] = after;
            _snapshot = null;
            raise = appeared(before, after);
            if (after.Name.Length > 0 && !string.Equals(before?.Name, after.Name, StringComparison.OrdinalIgnoreCase))
            {
                sharing = _peers.Values.FirstOrDefault(p => p.NodeId != nodeId && string.Equals(p.Name, after.Name, StringComparison.OrdinalIgnoreCase));
            }
        }

        if (sharing is not null && logger is not null)
        {
            LogNameShared(logger, sharing.Name, nodeId[..Math.Min(12, nodeId.Length)], sharing.NodeId[..Math.Min(12, sharing.NodeId.Length)]);
        }

        if (raise)
        {
            PeerAppeared?.Invoke(nodeId);
        }

        return raise;
    }

    private bool IsForgotten(string nodeId)
    {
        if (!_forgotten.TryGetValue(nodeId, out var at))
        {
            return false;
        }

        if (_admitted.Contains(nodeId) || time.GetUtcNow() - at >= ForgottenFor)
        {
            _forgotten.Remove(nodeId);
            return false;
        }

        return true;
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Warning,
        Message = "Two nodes use the name '{Name}': {NodeId} and {OtherNodeId}; tell them apart by id, or give one another name (--name)")]
    private static partial void LogNameShared(ILogger logger, string name, string nodeId, string otherNodeId);

    private PeerInfo New(string nodeId)
    {
        var now = time.GetUtcNow();
        return new PeerInfo(nodeId, "", "", [], 0, 0, LinkState.Down, null, now, now, false, false);
    }

    private static List<IPAddress> Merge(IPAddress first, IReadOnlyList<IPAddress>? others)
    {
        // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; keep one spelling per address.
        first = first.IsIPv4MappedToIPv6 ? first.MapToIPv4() : first;
        return [first, .. (others ?? []).Where(a => !a.Equals(first)).Take(MaxAddressesPerPeer - 1)];
    }
}
