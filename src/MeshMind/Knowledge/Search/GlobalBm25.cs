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
        // One pass over the chunk's words (SearchQuery.Words, compared lower-cased), without a string per word: the asking node
        // scores every candidate of every node, 120 chunks a query for k = 10 from six nodes.
        Span<int> frequencies = terms.Count <= 64 ? stackalloc int[terms.Count] : new int[terms.Count];
        var length = 0;
        foreach (var word in SearchQuery.Words(text))
        {
            length++;
            for (var t = 0; t < terms.Count; t++)
            {
                frequencies[t] += IsTerm(word, terms[t]) ? 1 : 0;
            }
        }

        var average = stats.Chunks == 0 ? Math.Max(1, length) : Math.Max(1.0, stats.Tokens / (double)stats.Chunks);
        var score = 0.0;
        for (var t = 0; t < terms.Count; t++)
        {
            var frequency = frequencies[t];
            if (frequency == 0)
            {
                continue;
            }

            var withTerm = stats.ChunksWithTerm.GetValueOrDefault(terms[t]);
            var idf = Math.Max(1e-6, Math.Log((stats.Chunks - withTerm + 0.5) / (withTerm + 0.5)));
            score += idf * frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * length / average));
        }

        return score;
    }

    /// <summary>Whether <paramref name="word"/> lower-cased (invariant, one UTF-16 unit at a time, as <c>ToLowerInvariant</c> does for the letters and digits a word holds) is <paramref name="term"/>.</summary>
    private static bool IsTerm(ReadOnlySpan<char> word, string term)
    {
        if (word.Length != term.Length)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (char.ToLowerInvariant(word[i]) != term[i])
            {
                return false;
            }
        }

        return true;
    }
}
