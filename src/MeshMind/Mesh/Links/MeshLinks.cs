using MeshMind.Node;

namespace MeshMind.Mesh.Links;

/// <summary>
/// The live links, one per peer: how participants send (<see cref="Send"/>, <see cref="Broadcast"/>). Kept apart from
/// <see cref="LinkManager"/>, which dials and runs links and calls the participants, so a participant can depend on this
/// without depending on the manager that depends on it.
/// </summary>
internal sealed class MeshLinks(NodeInfo node)
{
    private readonly Dictionary<string, Link> _links = new(StringComparer.Ordinal);
    private long _closedBytesIn;
    private long _closedBytesOut;

    /// <summary>Sends a message to one linked peer; false when there is no link to it.</summary>
    public bool Send(string nodeId, LinkMessage message)
    {
        Link? link;
        lock (_links)
        {
            _links.TryGetValue(nodeId, out link);
        }

        link?.Send(message);
        return link is not null;
    }

    /// <summary>Sends a message to every linked peer.</summary>
    public void Broadcast(LinkMessage message)
    {
        foreach (var link in All())
        {
            link.Send(message);
        }
    }

    /// <summary>How many peers are linked now.</summary>
    public int Count
    {
        get
        {
            lock (_links)
            {
                return _links.Count;
            }
        }
    }

    public bool IsLinked(string nodeId)
    {
        lock (_links)
        {
            return _links.ContainsKey(nodeId);
        }
    }

    /// <summary>Link message bytes in and out since start: links that ended plus the live ones.</summary>
    public (long In, long Out) Traffic()
    {
        lock (_links)
        {
            return (_closedBytesIn + _links.Values.Sum(l => l.BytesIn), _closedBytesOut + _links.Values.Sum(l => l.BytesOut));
        }
    }

    internal Link[] All()
    {
        lock (_links)
        {
            return [.. _links.Values];
        }
    }

    /// <summary>Closes the link to <paramref name="nodeId"/>, if there is one.</summary>
    internal void Close(string nodeId)
    {
        Link? link;
        lock (_links)
        {
            _links.TryGetValue(nodeId, out link);
        }

        link?.Close();
    }

    /// <summary>
    /// Makes <paramref name="link"/> the current link to its peer unless a link both sides prefer exists: on duplicates the
    /// link dialled by the lower node id survives, so both sides agree without talking about it. The loser is closed.
    /// </summary>
    /// <returns>Whether <paramref name="link"/> is now current.</returns>
    internal bool TryRegister(Link link, bool refused)
    {
        Link? loser;
        lock (_links)
        {
            if (refused)
            {
                loser = link;
            }
            else if (!_links.TryGetValue(link.RemoteNodeId, out var existing))
            {
                _links[link.RemoteNodeId] = link;
                return true;
            }
            else
            {
                var lowerId = string.CompareOrdinal(node.NodeId, link.RemoteNodeId) < 0 ? node.NodeId : link.RemoteNodeId;
                var keepNew = link.DialerNodeId == existing.DialerNodeId || link.DialerNodeId == lowerId;
                if (keepNew)
                {
                    _links[link.RemoteNodeId] = link;
                    (_closedBytesIn, _closedBytesOut) = (_closedBytesIn + existing.BytesIn, _closedBytesOut + existing.BytesOut);
                    loser = existing;
                }
                else
                {
                    loser = link;
                }
            }
        }

        loser.Close();
        return loser != link;
    }

    /// <summary>Removes <paramref name="link"/> if it is still current; true when it was.</summary>
    internal bool Unregister(Link link)
    {
        lock (_links)
        {
            if (_links.TryGetValue(link.RemoteNodeId, out var current) && current == link)
            {
                _links.Remove(link.RemoteNodeId);
                (_closedBytesIn, _closedBytesOut) = (_closedBytesIn + link.BytesIn, _closedBytesOut + link.BytesOut);
                return true;
            }

            return false;
        }
    }

    internal bool IsCurrent(Link link)
    {
        lock (_links)
        {
            return _links.TryGetValue(link.RemoteNodeId, out var current) && current == link;
        }
    }
}
