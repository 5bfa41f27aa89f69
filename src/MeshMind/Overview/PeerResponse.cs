using MeshMind.Mesh;

namespace MeshMind.Overview;

/// <summary>One peer as <c>/api/peers</c> shows it.</summary>
public sealed record PeerResponse(
    string NodeId,
    string Name,
    string[] Addresses,
    int HttpPort,
    int MeshPort,
    bool HasLlm,
    string[] Models,
    string LinkState,
    double? RttMs,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    bool Revoked)
{
    public static PeerResponse From(PeerInfo peer) => new(
        peer.NodeId, peer.Name, [.. peer.Addresses.Select(a => a.ToString())], peer.HttpPort, peer.MeshPort, peer.HasLlm,
        [.. peer.Models], peer.LinkState.ToString().ToLowerInvariant(), peer.RttMs, peer.FirstSeen, peer.LastSeen, peer.Revoked);
}
