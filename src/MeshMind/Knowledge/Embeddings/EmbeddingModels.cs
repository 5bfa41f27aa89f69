using MeshMind.Llm;

namespace MeshMind.Knowledge.Embeddings;

/// <summary>Which models make embeddings, as far as the mesh's catalog tells (Ollama's <c>/api/tags</c> has no capability field).</summary>
/// <remarks>
/// Ollama's embedding models are BERT-family encoders (<c>nomic-bert</c>, <c>bert</c>: nomic-embed-text, mxbai-embed-large,
/// all-minilm, bge-m3, snowflake-arctic-embed) or carry "embed" in their name (qwen3-embedding, embeddinggemma). A model that
/// is neither is found only when <c>Knowledge:EmbeddingModel</c> names it.
/// </remarks>
internal static class EmbeddingModels
{
    public static bool IsEmbedding(ModelInfo model) =>
        model.Family.Contains("bert", StringComparison.OrdinalIgnoreCase)
        || model.Name.Contains("embed", StringComparison.OrdinalIgnoreCase)
        || model.Name.StartsWith("all-minilm", StringComparison.OrdinalIgnoreCase);

    /// <summary>The name vectors are kept and compared under: Ollama's full name (<c>:latest</c> when untagged), lower case.</summary>
    public static string Key(string model) => ModelNames.Normalize(model).ToLowerInvariant();
}
