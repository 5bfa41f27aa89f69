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
        foreach (var _ in Words(text))
        {
            count++;
        }

        return count;
    }

    /// <summary>Every word of a text in order, lower case (what is counted for <see cref="GlobalBm25"/>).</summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        foreach (var word in Words(text))
        {
            tokens.Add(word.ToString().ToLowerInvariant());
        }

        return tokens;
    }

    /// <summary>
    /// The words of a text in order, as they are: runs of letters and digits. The one definition of a word that the query's
    /// terms, the token counts for the mesh's statistics and <see cref="GlobalBm25"/>'s term frequencies share; no string is made.
    /// </summary>
    public static WordEnumerator Words(ReadOnlySpan<char> text) => new(text);

    /// <summary>Enumerates <see cref="Words"/>: each <see cref="Current"/> is a slice of the text.</summary>
    public ref struct WordEnumerator(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _next;

        public ReadOnlySpan<char> Current { get; private set; }

        public readonly WordEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            var i = _next;
            while (i < _text.Length && !char.IsLetterOrDigit(_text[i]))
            {
                i++;
            }

            var start = i;
            while (i < _text.Length && char.IsLetterOrDigit(_text[i]))
            {
                i++;
            }

            _next = i;
            Current = _text[start..i];
            return i > start;
        }
    }

    /// <summary>The distinct lower-case words of <paramref name="query"/>, at most <see cref="MaxTerms"/>.</summary>
    public static IReadOnlyList<string> Terms(string query)
    {
        var terms = new List<string>();
        foreach (var word in Words(query))
        {
            if (terms.Count == MaxTerms)
            {
                break;
            }

            var term = word.ToString().ToLowerInvariant();
            if (!terms.Contains(term))
            {
                terms.Add(term);
            }
        }

        return terms;
    }
}
