using System.Net;

namespace MeshMind.Mesh;

/// <summary>A snapshot of what this node knows about one peer.</summary>
public sealed record PeerInfo(
    string NodeId,
    string InstanceId,
    string Name,
    IReadOnlyList<IPAddress> Addresses,
    int HttpPort,
    int MeshPort,
    bool HasLlm,
    IReadOnlyList<string> Models,
    LinkState LinkState,
    double? RttMs,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    bool Online,
    bool Revoked);
