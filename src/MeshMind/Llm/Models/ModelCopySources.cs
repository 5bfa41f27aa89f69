using MeshMind.Mesh.Peers;

namespace MeshMind.Llm.Models;

/// <summary>
/// The peers one copy takes blocks from (issue 17): the one asked for first, then every other linked peer whose inventory lists
/// the same manifest digest. A peer that fails or sends a block that does not match its list is dropped for the rest of the
/// copy; the copy fails only when none is left.
/// </summary>
internal sealed class ModelCopySources
{
    private readonly Lock _lock = new();
    private readonly List<PeerInfo> _live;
    private readonly List<string> _dropped = [];

    public ModelCopySources(PeerInfo primary, IEnumerable<PeerInfo> others)
    {
        _live = [primary, .. others.Where(p => p.NodeId != primary.NodeId).DistinctBy(p => p.NodeId)];
    }

    /// <summary>The peers still used, the one asked for first while it is.</summary>
    public IReadOnlyList<PeerInfo> Live
    {
        get
        {
            lock (_lock)
            {
                return [.. _live];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _live.Count;
            }
        }
    }

    public bool IsLive(PeerInfo peer)
    {
        lock (_lock)
        {
            return _live.Exists(p => p.NodeId == peer.NodeId);
        }
    }

    /// <summary>Stops using <paramref name="peer"/>; false when it was dropped already.</summary>
    public bool Drop(PeerInfo peer, string reason)
    {
        lock (_lock)
        {
            if (_live.RemoveAll(p => p.NodeId == peer.NodeId) == 0)
            {
                return false;
            }

            _dropped.Add($"'{peer.Name}' {reason}");
            return true;
        }
    }

    /// <summary>Why each dropped peer was dropped, for the error that ends a copy with none left.</summary>
    public string Why()
    {
        lock (_lock)
        {
            return string.Join("; ", _dropped);
        }
    }
}
