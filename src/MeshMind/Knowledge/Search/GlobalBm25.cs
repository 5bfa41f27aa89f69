using MeshMind.Knowledge.Index;

namespace MeshMind.Knowledge.Search;

/// <summary>
/// BM25 as SQLite FTS5 computes it (k1 = 1.2, b = 0.75, IDF floored at 1e-6), but with statistics summed over the nodes: each
/// node's own bm25() uses its own term counts, so its scores cannot be compared with another node's.
/// </summary>
/// <remarks>Higher is better here (FTS5's bm25() is the negative of this).</remarks>
internal static class GlobalBm25
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    /// <param name="text">The chunk.</param>
    /// <param name="terms">The query's terms (lower case, as <see cref="SearchQuery.Terms"/> gives them).</param>
    /// <param name="stats">The mesh's statistics.</param>
    public static double Score(string text, IReadOnlyList<string> terms, TermStatistics stats)
    {
        var tokens = SearchQuery.Tokens(text);
        var length = tokens.Count;
        var average = stats.Chunks == 0 ? Math.Max(1, length) : Math.Max(1.0, stats.Tokens / (double)stats.Chunks);
        var score = 0.0;
        foreach (var term in terms)
        {
            var frequency = tokens.Count(t => t == term);
            if (frequency == 0)
            {
                continue;
            }

            var withTerm = stats.ChunksWithTerm.GetValueOrDefault(term);
            var idf = Math.Max(1e-6, Math.Log((stats.Chunks - withTerm + 0.5) / (withTerm + 0.5)));
            score += idf * frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * length / average));
        }

        return score;
    }
}
