using MeshMind.Llm;
using MeshMind.Llm.Routing;
using Microsoft.Extensions.Options;

namespace MeshMind.Knowledge.Embeddings;

/// <summary>
/// The embedding model of the mesh's knowledge (<see cref="KnowledgeOptions.EmbeddingModel"/>: a name, <c>auto</c> or <c>off</c>)
/// and vectors made with it, computed through the mesh as <c>/api/embed</c> is (<see cref="LlmRouter.EmbedAsync"/>: the best
/// host with the model, failing over to the next), never by calling a backend directly.
/// </summary>
internal sealed class KnowledgeEmbeddings(LlmHosts hosts, LlmRouter router, IOptions<KnowledgeOptions> options)
{
    public const string Auto = "auto";
    public const string Off = "off";

    /// <summary>
    /// The model to embed with now (its <see cref="EmbeddingModels.Key"/>), or null when off or when no host in the mesh serves
    /// it. <c>auto</c> takes the first embedding model of the mesh's catalog in name order, so nodes that see the same models agree.
    /// </summary>
    public string? Model()
    {
        var configured = options.Value.EmbeddingModel.Trim();
        if (configured.Equals(Off, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var catalog = hosts.Catalog(includePeers: true);
        var model = configured.Length == 0 || configured.Equals(Auto, StringComparison.OrdinalIgnoreCase)
            ? catalog.FirstOrDefault(c => c.Details is { } details && EmbeddingModels.IsEmbedding(details))
            : catalog.FirstOrDefault(c => ModelNames.Matches(configured, c.Name));
        return model is null ? null : EmbeddingModels.Key(model.Name);
    }

    /// <summary>One unit-length vector per text, in order.</summary>
    /// <exception cref="LlmUnavailableException">No host could embed with the model.</exception>
    /// <exception cref="InvalidDataException">The host answered vectors that are missing, empty or not finite.</exception>
    public async Task<IReadOnlyList<float[]>> EmbedAsync(string model, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var result = await router.EmbedAsync(new EmbedRequest(model, texts), includePeers: true, cancellationToken);
        if (result.Embeddings.Count != texts.Count)
        {
            throw new InvalidDataException($"'{model}' answered {result.Embeddings.Count} vectors for {texts.Count} texts");
        }

        var vectors = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            vectors[i] = Vectors.Normalize(result.Embeddings[i]) ?? throw new InvalidDataException($"'{model}' answered an unusable vector");
        }

        return vectors;
    }
}
