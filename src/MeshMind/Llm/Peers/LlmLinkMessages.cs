using System.Text.Json.Serialization;
using MeshMind.Mesh.Links;

namespace MeshMind.Llm.Peers;

/// <summary>
/// What a node's LLM can serve right now (seed <c>LLMCapability</c>); sent on link-up and whenever it changes.
/// <c>probe_late</c>: the host's last probe of its LLM was late or failed (see <see cref="LlmCapability.ProbeLate"/>); older peers omit it.
/// <c>serving</c>: of <c>in_flight</c>, how many each peer (node id) sent, for the peers that have any; a peer subtracts its own
/// to know what the host serves for others, exactly as of this message (empty when it serves none for peers). Older peers omit it.
/// </summary>
internal sealed record CapabilityMessage(
    bool HasLlm, IReadOnlyList<ModelInfo> Models, int InFlight, int MaxParallel, double? TtftMs, double? TokensPerS, bool ProbeLate = false,
    IReadOnlyDictionary<string, int>? Serving = null) : LinkMessage
{
    /// <summary>The most peers a capability names in <see cref="Serving"/> (the busiest).</summary>
    public const int MaxServing = 64;
}

/// <summary>Asks a peer that announced an LLM whether it will serve this node (seed <c>LLMAccessRequest</c>).</summary>
internal sealed record LlmAccessRequestMessage : LinkMessage;

/// <summary>The answer: granted or not, and the mesh port its Ollama contract is served on (seed <c>LLMAccessResponse</c>).</summary>
internal sealed record LlmAccessResponseMessage(bool Granted, int MeshPort) : LinkMessage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 16)]
[JsonSerializable(typeof(CapabilityMessage))]
[JsonSerializable(typeof(LlmAccessRequestMessage))]
[JsonSerializable(typeof(LlmAccessResponseMessage))]
internal sealed partial class LlmLinkJsonContext : JsonSerializerContext
{
    public static LinkMessageType[] MessageTypes =>
    [
        LinkMessageType.Of<CapabilityMessage>("capability", Default),
        LinkMessageType.Of<LlmAccessRequestMessage>("llm_access_request", Default),
        LinkMessageType.Of<LlmAccessResponseMessage>("llm_access_response", Default),
    ];
}
