namespace MeshMind.Knowledge;

/// <summary>Search and answers over the mesh's shared files (configuration section <c>Knowledge</c>).</summary>
internal sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";

    /// <summary>How long a search waits for peers; one that has not answered by then is reported as missing.</summary>
    public TimeSpan SearchBudget { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>The most characters in an indexed chunk.</summary>
    public int ChunkCharacters { get; set; } = 1_000;

    /// <summary>How many characters a chunk repeats from the one before it.</summary>
    public int ChunkOverlap { get; set; } = 150;

    /// <summary>
    /// The model that embeds chunks and queries for semantic search, through the mesh: <c>auto</c> (the first embedding model
    /// any node serves, in name order), a model name, or <c>off</c> (lexical search only). Without a host serving it, search is
    /// lexical only.
    /// </summary>
    public string EmbeddingModel { get; set; } = Embeddings.KnowledgeEmbeddings.Auto;

    /// <summary>
    /// The least cosine similarity between a query's embedding and a chunk's for the chunk to be a semantic hit: below it a chunk
    /// is only the nearest of unrelated ones. It depends on the model (nomic-embed-text rates unrelated passages around 0.3–0.45).
    /// </summary>
    public double MinSimilarity { get; set; } = 0.5;

    /// <summary>Text beyond this many characters of one file is not indexed.</summary>
    public int MaxFileCharacters { get; set; } = 16 * 1024 * 1024;
}
