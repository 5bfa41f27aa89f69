namespace MeshMind.Llm;

/// <summary>What the local Ollama has (<c>/api/tags</c>) and has loaded (<c>/api/ps</c>), as a capability.</summary>
/// <remarks>
/// A class of its own so that a node without an LLM never loads OllamaSharp (about 1 MB with Microsoft.Extensions.AI):
/// the state machine of an async method that awaits OllamaSharp's results holds awaiters of its types, and it is loaded
/// not only when the method runs but also whenever a stack trace goes through another async method of the same class
/// (the runtime reads every method's state-machine attribute to name the frame), e.g. the refused connect of every probe.
/// </remarks>
internal static class OllamaModels
{
    /// <remarks>Takes the node's <see cref="LocalLlm"/>, not its client, so that no OllamaSharp type appears in the caller.</remarks>
    public static async Task<LlmCapability> ListAsync(LocalLlm llm, int maxParallel, CancellationToken cancellationToken)
    {
        var tags = (await llm.Client.ListLocalModelsAsync(cancellationToken)).ToList();
        var running = (await llm.Client.ListRunningModelsAsync(cancellationToken)).Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var models = tags
            .Select(m => new ModelInfo(m.Name, running.Contains(m.Name), m.Size, m.Details?.Family ?? "", m.Details?.ParameterSize ?? ""))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        return new LlmCapability(models.Count > 0, models, 0, maxParallel, null, null);
    }
}
