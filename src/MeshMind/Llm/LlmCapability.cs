using System.Text.Json.Serialization;

namespace MeshMind.Llm;

/// <summary>One model a node serves.</summary>
/// <remarks>
/// <c>digest</c> and <c>quantization_level</c> came later (issue 17): a peer that predates them leaves them out and they read
/// as empty, which the mesh's inventory shows as "not known" rather than as a different model.
/// </remarks>
internal sealed record ModelInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("loaded")] bool Loaded,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("family")] string Family,
    [property: JsonPropertyName("parameter_size")] string ParameterSize,
    [property: JsonPropertyName("digest")] string Digest = "",
    [property: JsonPropertyName("quantization_level")] string QuantizationLevel = "");

/// <summary>What a node's LLM can do right now (seed <c>LLMCapability</c>, DESIGN §4 <c>capability</c>).</summary>
internal sealed record LlmCapability(
    bool HasLlm,
    IReadOnlyList<ModelInfo> Models,
    int InFlight,
    int MaxParallel,
    double? TtftMs,
    double? TokensPerS)
{
    public static LlmCapability None { get; } = new(false, [], 0, 0, null, null);

    /// <summary>
    /// The last probe of this LLM failed without a refusal (too slow, an error), but fewer than
    /// <see cref="Local.LocalLlm.FailedProbesToDrop"/> in a row: it is still offered, after hosts whose probe answered.
    /// </summary>
    public bool ProbeLate { get; init; }

    public bool Serves(string model) => HasLlm && Models.Any(m => ModelNames.Matches(model, m.Name));

    public ModelInfo? Find(string model) => Models.FirstOrDefault(m => ModelNames.Matches(model, m.Name));
}
