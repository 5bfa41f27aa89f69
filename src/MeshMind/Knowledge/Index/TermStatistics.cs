namespace MeshMind.Knowledge.Index;

/// <summary>
/// What BM25 needs of an index besides the chunk itself: how many chunks it holds, their tokens in all, and how many chunks
/// hold each query term. Summed over the nodes, they rank chunks from several nodes as one index of everything would.
/// </summary>
internal sealed record TermStatistics(long Chunks, long Tokens, IReadOnlyDictionary<string, long> ChunksWithTerm)
{
    public static readonly TermStatistics None = new(0, 0, new Dictionary<string, long>());

    public static TermStatistics Sum(IEnumerable<TermStatistics> all)
    {
        long chunks = 0, tokens = 0;
        var withTerm = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var stats in all)
        {
            chunks += stats.Chunks;
            tokens += stats.Tokens;
            foreach (var (term, count) in stats.ChunksWithTerm)
            {
                withTerm[term] = withTerm.GetValueOrDefault(term) + count;
            }
        }

        return new TermStatistics(chunks, tokens, withTerm);
    }
}
