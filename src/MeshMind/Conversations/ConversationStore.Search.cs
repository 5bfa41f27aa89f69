using System.Text;

namespace MeshMind.Conversations;

/// <summary>Finding a conversation by its title or by what was asked and answered in it.</summary>
/// <remarks>
/// A scan of this node's conversations, bounded by <see cref="MaxQueryLength"/> and the caller's limit: one person's history
/// (thousands of exchanges) is searched in milliseconds, with no index to keep in step. An FTS5 index is the step up if
/// histories grow far beyond that.
/// </remarks>
internal sealed partial class ConversationStore
{
    public const int MaxQueryLength = 200;
    private const int SnippetBefore = 40;
    private const int SnippetAfter = 100;

    /// <summary>Conversations whose title, questions or answers contain <paramref name="query"/>, newest first, each with a snippet of the first match.</summary>
    public async Task<IReadOnlyList<ConversationSummary>> SearchAsync(string query, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Case is ignored for every letter ("CAFÉ" finds "café"), not only ASCII ones as SQLite's LIKE would; the query's
        // characters are matched as themselves (no wildcards).
        connection.CreateFunction("matches", (string? text, string needle) => text is not null && text.Contains(needle, StringComparison.OrdinalIgnoreCase),
            isDeterministic: true);
        await using var command = Command(connection, """
            SELECT c.id, c.title, c.updated_at, (SELECT COUNT(*) FROM exchanges e WHERE e.conversation_id = c.id),
                (SELECT CASE WHEN matches(e.question, $query) THEN e.question ELSE e.answer END FROM exchanges e
                 WHERE e.conversation_id = c.id AND (matches(e.question, $query) OR matches(e.answer, $query))
                 ORDER BY e.created_at, e.rowid LIMIT 1)
            FROM conversations c
            WHERE matches(c.title, $query)
                OR EXISTS (SELECT 1 FROM exchanges e WHERE e.conversation_id = c.id AND (matches(e.question, $query) OR matches(e.answer, $query)))
            ORDER BY c.updated_at DESC, c.id LIMIT $limit;
            """, ("$query", query), ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ConversationSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var snippet = reader.IsDBNull(4) ? null : Snippet(reader.GetString(4), query);
            list.Add(new ConversationSummary(reader.GetString(0), reader.GetString(1), Time(reader.GetString(2)), reader.GetInt32(3), snippet));
        }

        return list;
    }

    /// <summary>The text around the first match of <paramref name="query"/>, on one line, with "…" where it was cut.</summary>
    internal static string Snippet(string text, string query)
    {
        var at = text.IndexOf(query, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            at = 0;
        }

        var start = Math.Max(0, at - SnippetBefore);
        var end = Math.Min(text.Length, at + query.Length + SnippetAfter);
        var snippet = new StringBuilder();
        if (start > 0)
        {
            snippet.Append('…');
        }

        snippet.Append(string.Join(' ', text[start..end].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        if (end < text.Length)
        {
            snippet.Append('…');
        }

        return snippet.ToString();
    }
}
