using System.Text;

namespace MeshMind.Knowledge.Search;

/// <summary>
/// What a person typed → an FTS5 query: its words (letters and digits), each quoted so none is read as FTS5 syntax, any of
/// which may match (bm25 ranks chunks with more of them, and rarer ones, first). Common English words ("what", "the") are left
/// out when the query has others, so a question asked as a sentence ranks and highlights by the words that carry it.
/// </summary>
internal static class SearchQuery
{
    public const int MaxCharacters = 500;
    public const int MaxTerms = 32;

    private static readonly HashSet<string> s_common = new(StringComparer.Ordinal)
    {
        "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "did", "do", "does", "for", "from", "had", "has", "have", "how",
        "i", "in", "is", "it", "its", "me", "my", "of", "on", "or", "our", "say", "said", "so", "that", "the", "their", "there", "this",
        "to", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your",
    };

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

        return (string.Join(" OR ", Searched(terms).Select(t => "\"" + t + "\"")), null);
    }

    /// <summary>The terms a query is searched for (its words, without the common ones unless it has nothing else).</summary>
    public static IReadOnlyList<string> Searched(string query) => Searched(Terms(query));

    private static List<string> Searched(IReadOnlyList<string> terms)
    {
        var meaningful = terms.Where(t => !s_common.Contains(t)).ToList();
        return meaningful.Count > 0 ? meaningful : [.. terms];
    }

    /// <summary>How many words <see cref="Tokens"/> would give, without making them.</summary>
    public static int CountTokens(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            count += letter && !inWord ? 1 : 0;
            inWord = letter;
        }

        return count;
    }

    /// <summary>Every word of a text in order, lower case (what is counted for <see cref="GlobalBm25"/>).</summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                start = start < 0 ? i : start;
                continue;
            }

            if (start >= 0)
            {
                tokens.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }

        return tokens;
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
