using MeshMind.Discovery;
using MeshMind.Llm.Peers;
using MeshMind.Mesh.Peers;

namespace MeshMind.Overview;

/// <summary>One peer as <c>/api/peers</c> shows it.</summary>
internal sealed record PeerResponse(
    string NodeId,
    string Name,
    string[] Addresses,
    int HttpPort,
    int MeshPort,
    bool HasLlm,
    string[] Models,
    LinkState LinkState,
    double? RttMs,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    bool Revoked,
    bool NameConflict,
    string[] Links)
{
    /// <summary>The peer as the mesh knows it, with its LLM as its link last described it (or, before that, as discovery heard it).</summary>
    /// <remarks><paramref name="nameConflict"/>: another node (a peer, or this node) uses the same name; the UI shows the id beside it.</remarks>
    /// <remarks><c>links</c>: the other peers this peer says it is linked to (its latest peer exchange), empty unless linked to this node.</remarks>
    public static PeerResponse From(PeerInfo peer, PeerLlms llms, DiscoveryAdvert adverts, bool nameConflict, IReadOnlyList<string> links)
    {
        var llm = llms.Find(peer.NodeId)?.Capability;
        return new(peer.NodeId, peer.Name, [.. peer.Addresses.Select(a => a.ToString())], peer.HttpPort, peer.MeshPort,
            llm?.HasLlm ?? adverts.PeerHasLlm(peer.NodeId), [.. (llm?.Models ?? []).Select(m => m.Name)],
            peer.LinkState, peer.RttMs, peer.FirstSeen, peer.LastSeen, peer.Revoked, nameConflict, [.. links]);
    }
}
