using MeshMind.Node;

namespace MeshMind.Mesh.Links;

/// <summary>
/// The live links, one per peer: how participants send (<see cref="Send"/>, <see cref="Broadcast"/>). Kept apart from
/// <see cref="LinkManager"/>, which dials and runs links and calls the participants, so a participant can depend on this
/// without depending on the manager that depends on it.
/// </summary>
/// <remarks>
/// What follows a link coming up or going down (the peer's state, the log line, the participants' <c>LinkUp</c> and
/// <c>LinkDown</c>) runs in the order the links changed: <see cref="TryRegister"/>, <see cref="Unregister"/> and
/// <see cref="WhenNotLinked"/> run their reactions one at a time, in the same lock as the change. Before (issue 20), a link
/// that replaced one just gone could say "up" before the old one said "down": the peer then read as down, and its LLM as
/// gone, while its link was up (seen as one-sided links at 50 nodes).
/// </remarks>
internal sealed class MeshLinks(NodeInfo node)
{
    private readonly Dictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly Lock _changes = new();
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
    /// <param name="link">The link that came up.</param>
    /// <param name="refused">Whether the peer may not link (revoked): the link is closed.</param>
    /// <param name="becameCurrent">Run when <paramref name="link"/> became current, before any later change of links is reacted to.</param>
    /// <param name="capacity">For a link the peer dialled: the links dialled by peers beyond which one to a peer not linked yet is
    /// refused (<c>Mesh:MaxLinks</c>).</param>
    /// <returns>Whether <paramref name="link"/> is now current.</returns>
    internal bool TryRegister(Link link, bool refused, Action becameCurrent, int capacity = int.MaxValue)
    {
        Link? loser = null;
        lock (_changes)
        {
            lock (_links)
            {
                if (refused || (capacity < int.MaxValue && !_links.ContainsKey(link.RemoteNodeId) && CountAcceptedLocked() >= capacity))
                {
                    loser = link;
                }
                else if (_links.TryGetValue(link.RemoteNodeId, out var existing))
                {
                    var lowerId = string.CompareOrdinal(node.NodeId, link.RemoteNodeId) < 0 ? node.NodeId : link.RemoteNodeId;
                    var keepNew = link.DialerNodeId == existing.DialerNodeId || link.DialerNodeId == lowerId;
                    loser = keepNew ? existing : link;
                    if (keepNew)
                    {
                        _links[link.RemoteNodeId] = link;
                        (_closedBytesIn, _closedBytesOut) = (_closedBytesIn + existing.BytesIn, _closedBytesOut + existing.BytesOut);
                    }
                }
                else
                {
                    _links[link.RemoteNodeId] = link;
                }
            }

            if (loser != link)
            {
                becameCurrent();
            }
        }

        loser?.Close();
        return loser != link;
    }

    /// <summary>Removes <paramref name="link"/> if it is still current; true when it was.</summary>
    /// <param name="link">The link that ended.</param>
    /// <param name="removed">Run when it was current, before any later change of links is reacted to.</param>
    internal bool Unregister(Link link, Action removed)
    {
        lock (_changes)
        {
            lock (_links)
            {
                if (!_links.TryGetValue(link.RemoteNodeId, out var current) || current != link)
                {
                    return false;
                }

                _links.Remove(link.RemoteNodeId);
                (_closedBytesIn, _closedBytesOut) = (_closedBytesIn + link.BytesIn, _closedBytesOut + link.BytesOut);
            }

            removed();
            return true;
        }
    }

    /// <summary>Runs <paramref name="action"/> if no link to <paramref name="nodeId"/> is up, ordered with the links' changes.</summary>
    internal void WhenNotLinked(string nodeId, Action action)
    {
        lock (_changes)
        {
            if (!IsLinked(nodeId))
            {
                action();
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> if <paramref name="link"/> is current, ordered with the links' changes.</summary>
    internal void WhenCurrent(Link link, Action action)
    {
        lock (_changes)
        {
            if (IsCurrent(link))
            {
                action();
            }
        }
    }

    /// <summary>How many links this node dialled, and how many its peers dialled to it.</summary>
    internal (int Dialled, int Accepted) CountByDialler()
    {
        lock (_links)
        {
            var accepted = CountAcceptedLocked();
            return (_links.Count - accepted, accepted);
        }
    }

    private int CountAcceptedLocked() => _links.Values.Count(l => !l.Leads);

    internal bool IsCurrent(Link link)
    {
        lock (_links)
        {
            return _links.TryGetValue(link.RemoteNodeId, out var current) && current == link;
        }
    }
}
