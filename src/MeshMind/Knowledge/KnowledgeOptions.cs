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

    /// <summary>Text beyond this many characters of one file is not indexed.</summary>
    public int MaxFileCharacters { get; set; } = 16 * 1024 * 1024;
}
