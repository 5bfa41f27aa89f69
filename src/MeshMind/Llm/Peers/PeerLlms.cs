using System.Collections.Concurrent;

namespace MeshMind.Llm.Peers;

/// <summary>What this node knows of each peer's LLM, keyed by node id: its last <c>capability</c> and whether it granted us access, and on which port.</summary>
internal sealed class PeerLlms
{
    private readonly ConcurrentDictionary<string, PeerLlm> _peers = new(StringComparer.Ordinal);

    /// <summary>One peer's LLM as its link last described it.</summary>
    public sealed record PeerLlm(LlmCapability Capability, int GrantedPort);

    public PeerLlm? Find(string nodeId) => _peers.GetValueOrDefault(nodeId);

    /// <summary>A <c>capability</c> message; a peer that no longer has an LLM loses its grant.</summary>
    public void Update(string nodeId, CapabilityMessage capability) =>
        _peers.AddOrUpdate(nodeId,
            _ => new PeerLlm(From(capability), 0),
            (_, known) => new PeerLlm(From(capability), capability.HasLlm ? known.GrantedPort : 0));

    /// <summary>The peer's answer to our <c>llm_access_request</c>.</summary>
    public void Grant(string nodeId, bool granted, int meshPort) =>
        _peers.AddOrUpdate(nodeId,
            _ => new PeerLlm(LlmCapability.None, Port(granted, meshPort)),
            (_, known) => known with { GrantedPort = Port(granted, meshPort) });

    /// <summary>The link went down: the grant was for that link; the capability is kept as the last known.</summary>
    public void LinkDown(string nodeId)
    {
        if (_peers.TryGetValue(nodeId, out var known) && known.GrantedPort != 0)
        {
            _peers[nodeId] = known with { GrantedPort = 0 };
        }
    }

    /// <summary>A model as an older or careless peer described it: a field it left out or sent as null reads as empty.</summary>
    private static ModelInfo Tolerant(ModelInfo model) =>
        model.Digest is null || model.QuantizationLevel is null || model.Family is null || model.ParameterSize is null
            ? model with { Digest = model.Digest ?? "", QuantizationLevel = model.QuantizationLevel ?? "", Family = model.Family ?? "", ParameterSize = model.ParameterSize ?? "" }
            : model;

    private static int Port(bool granted, int meshPort) => granted && meshPort is > 0 and <= 65535 ? meshPort : 0;

    private static LlmCapability From(CapabilityMessage capability) =>
        new(capability.HasLlm, [.. capability.Models.Take(256).Select(Tolerant)], capability.InFlight, capability.MaxParallel, capability.TtftMs, capability.TokensPerS)
        {
            ProbeLate = capability.ProbeLate,
        };
}
