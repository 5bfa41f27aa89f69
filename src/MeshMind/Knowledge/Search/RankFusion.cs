namespace MeshMind.Knowledge.Search;

/// <summary>
/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): an item's score is the sum over the rankings that hold
/// it of <c>1 / (K + rank)</c>, rank counted from 1. Rankings whose own scores cannot be compared (lexical and semantic) merge
/// without calibrating them.
/// </summary>
internal static class RankFusion
{
    /// <summary>The constant from the paper: it damps the weight of the very first places.</summary>
    public const int K = 60;

    /// <summary>The items of every ranking, best fused score first (ties keep the order they were first seen in).</summary>
    public static IReadOnlyList<(T Item, double Score)> Fuse<T>(IEnumerable<IReadOnlyList<T>> rankings, IEqualityComparer<T>? comparer = null)
        where T : notnull
    {
        var scores = new Dictionary<T, (double Score, int Seen)>(comparer);
        foreach (var ranking in rankings)
        {
            for (var i = 0; i < ranking.Count; i++)
            {
                var item = ranking[i];
                var add = 1.0 / (K + i + 1);
                scores[item] = scores.TryGetValue(item, out var known) ? (known.Score + add, known.Seen) : (add, scores.Count);
            }
        }

        return [.. scores.OrderByDescending(s => s.Value.Score).ThenBy(s => s.Value.Seen).Select(s => (s.Key, s.Value.Score))];
    }
}
