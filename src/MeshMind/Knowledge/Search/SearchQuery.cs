using System.Text;

namespace MeshMind.Knowledge.Search;

/// <summary>
/// What a person typed → an FTS5 query: its words (letters and digits), each quoted so none is read as FTS5 syntax, any of
/// which may match (bm25 ranks chunks with more of them, and rarer ones, first).
/// </summary>
internal static class SearchQuery
{
    public const int MaxCharacters = 500;
    public const int MaxTerms = 32;

    /// <returns>The FTS5 expression, or the reason the query cannot be searched.</returns>
    public static (string? Match, string? Error) Parse(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return (null, "'q' is required: the words to search for");
        }

        if (query.Length > MaxCharacters)
        {
            return (null, $"'q' is longer than {MaxCharacters} characters");
        }

        var terms = Terms(query);
        if (terms.Count == 0)
        {
            return (null, "'q' has no words to search for (letters or digits)");
        }

        return (string.Join(" OR ", terms.Select(t => "\"" + t + "\"")), null);
    }

    /// <summary>The distinct lower-case words of <paramref name="query"/>, at most <see cref="MaxTerms"/>.</summary>
    public static IReadOnlyList<string> Terms(string query)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in query + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 0 && terms.Count < MaxTerms)
            {
                var term = word.ToString();
                if (!terms.Contains(term))
                {
                    terms.Add(term);
                }
            }

            word.Clear();
        }

        return terms;
    }
}
