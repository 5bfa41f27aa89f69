using System.Text.Json.Serialization;
using MeshMind.Mesh.Links;

namespace MeshMind.Llm.Peers;

/// <summary>
/// What a node's LLM can serve right now (seed <c>LLMCapability</c>); sent on link-up and whenever it changes.
/// <c>probe_late</c>: the host's last probe of its LLM was late or failed (see <see cref="LlmCapability.ProbeLate"/>); older peers omit it.
/// </summary>
internal sealed record CapabilityMessage(
    bool HasLlm, IReadOnlyList<ModelInfo> Models, int InFlight, int MaxParallel, double? TtftMs, double? TokensPerS, bool ProbeLate = false) : LinkMessage;

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
