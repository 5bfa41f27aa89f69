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
    bool Revoked)
{
    /// <summary>The peer's LLM as its last <c>capability</c> message described it.</summary>
    public Llm.LlmCapability Llm { get; init; } = MeshMind.Llm.LlmCapability.None;

    /// <summary>Whether the peer answered our <c>llm_access_request</c> with a grant, and on which mesh port.</summary>
    public int LlmGrantedPort { get; init; }
}
