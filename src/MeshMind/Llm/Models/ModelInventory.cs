using MeshMind.Llm.Routing;

namespace MeshMind.Llm.Models;

/// <summary>The mesh's models as <c>GET /api/models</c> and the Ollama facade list them: one entry per name and digest.</summary>
internal static class ModelInventory
{
    /// <summary>
    /// Every model of <paramref name="candidates"/> (this node and the peers that serve us their LLM), grouped by name (as
    /// Ollama compares them: <c>llama3</c> is <c>llama3:latest</c>) and digest; by name, the entry most nodes have first.
    /// </summary>
    public static IReadOnlyList<MeshModel> Of(IEnumerable<LlmCandidate> candidates) =>
        [.. candidates
            .SelectMany(c => c.Capability.Models.Select(m => (Model: m, c.Host)))
            .GroupBy(x => (Name: ModelNames.Normalize(x.Model.Name).ToLowerInvariant(), x.Model.Digest))
            .Select(g =>
            {
                var first = g.First().Model;
                return new MeshModel(first.Name, first.Digest, first.Size, first.Family, first.ParameterSize, first.QuantizationLevel,
                    [.. g.OrderBy(x => x.Host.IsLocal ? 0 : 1).ThenBy(x => x.Host.Name, StringComparer.Ordinal).ThenBy(x => x.Host.NodeId, StringComparer.Ordinal)
                        .Select(x => new MeshModelNode(x.Host.NodeId, x.Host.Name, x.Model.Loaded, x.Host.IsLocal))]);
            })
            .OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
            .ThenByDescending(m => m.Nodes.Count)
            .ThenBy(m => m.Digest, StringComparer.Ordinal)];

    /// <summary>One entry per name, for APIs whose clients expect unique names (Ollama's <c>/api/tags</c>): the one most nodes have.</summary>
    public static IEnumerable<MeshModel> ByName(IReadOnlyList<MeshModel> inventory) =>
        inventory.DistinctBy(m => ModelNames.Normalize(m.Name).ToLowerInvariant());
}
