using System.Net;

namespace MeshMind.Mesh.Peers;

/// <summary>A snapshot of what this node knows about one peer: who it is, where it is, and its link. Features keep their own per-peer state by node id.</summary>
internal sealed record PeerInfo(
    string NodeId,
    string InstanceId,
    string Name,
    IReadOnlyList<IPAddress> Addresses,
    int HttpPort,
    int MeshPort,
    LinkState LinkState,
    double? RttMs,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    bool Online,
    bool Revoked);
