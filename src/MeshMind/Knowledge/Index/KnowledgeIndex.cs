using System.Globalization;
using MeshMind.Knowledge.Extraction;
using MeshMind.Knowledge.Search;
using MeshMind.Storage;
using Microsoft.Data.Sqlite;

namespace MeshMind.Knowledge.Index;

/// <summary>
/// The full-text index of this node's shared files (SQLite FTS5 in <c>meshmind.db</c>): documents by origin and name with the
/// content hash they were indexed from, and their chunks (and, in <c>KnowledgeIndex.Vectors.cs</c>, the chunks' embeddings).
/// </summary>
/// <remarks>
/// A chunk's rowid is <c>document id &lt;&lt; <see cref="ChunkBits"/> | its place</c>, so replacing or removing a document deletes
/// one rowid range, which FTS5 does without scanning the index.
/// </remarks>
internal sealed partial class KnowledgeIndex(Database database, TimeProvider time)
{
    public const int ChunkBits = 20;

    /// <summary>The most chunks kept of one document (beyond them its text is not indexed).</summary>
    public const int MaxChunks = (1 << ChunkBits) - 1;

    // Private-use characters mark the match in FTS5's snippet(); they become <mark> tags once the chunk's own text is cleaned.
    private const char MarkOpen = '\uE000';
    private const char MarkClose = '\uE001';

    public async Task<IReadOnlyList<IndexedDocument>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, origin_node_id, name, sha256 FROM knowledge_documents;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var documents = new List<IndexedDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add(new IndexedDocument(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return documents;
    }

    /// <summary>Indexes (or re-indexes) a document's chunks in one transaction; <paramref name="chunks"/> beyond <see cref="MaxChunks"/> are left out.</summary>
    public async Task ReplaceAsync(string originNodeId, string originName, string name, string sha256, int characters,
        IEnumerable<Chunker.Chunk> chunks, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        long id;
        await using (var upsert = connection.CreateCommand())
        {
            upsert.CommandText = """
                INSERT INTO knowledge_documents (origin_node_id, origin_name, name, sha256, characters, chunks, tokens, indexed_at)
                VALUES ($origin, $originName, $name, $sha, $characters, 0, 0, $at)
                ON CONFLICT(origin_node_id, name) DO UPDATE SET origin_name = excluded.origin_name, sha256 = excluded.sha256,
                    characters = excluded.characters, chunks = 0, tokens = 0, indexed_at = excluded.indexed_at, embedding_model = ''
                RETURNING id;
                """;
            upsert.Parameters.AddWithValue("$origin", originNodeId);
            upsert.Parameters.AddWithValue("$originName", originName);
            upsert.Parameters.AddWithValue("$name", name);
            upsert.Parameters.AddWithValue("$sha", sha256);
            upsert.Parameters.AddWithValue("$characters", characters);
            upsert.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            id = (long)(await upsert.ExecuteScalarAsync(cancellationToken))!;
        }

        await DeleteChunksAsync(connection, id, cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO knowledge_chunks (rowid, text) VALUES ($rowid, $text);";
            var rowid = insert.Parameters.Add("$rowid", SqliteType.Integer);
            var text = insert.Parameters.Add("$text", SqliteType.Text);
            var place = 0;
            long tokens = 0;
            foreach (var chunk in chunks)
            {
                if (place >= MaxChunks)
                {
                    break;
                }

                rowid.Value = (id << ChunkBits) | (long)place++;
                text.Value = chunk.Text;
                tokens += SearchQuery.CountTokens(chunk.Text);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var counts = connection.CreateCommand();
            counts.CommandText = "UPDATE knowledge_documents SET chunks = $chunks, tokens = $tokens WHERE id = $id;";
            counts.Parameters.AddWithValue("$chunks", place);
            counts.Parameters.AddWithValue("$tokens", tokens);
            counts.Parameters.AddWithValue("$id", id);
            await counts.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RemoveAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await DeleteChunksAsync(connection, id, cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "DELETE FROM knowledge_documents WHERE id = $id;";
            command.Parameters.AddWithValue("$id", id);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The <paramref name="limit"/> best chunks for an FTS5 query (<c>SearchQuery.Parse</c>).</summary>
    public async Task<IReadOnlyList<LocalHit>> SearchAsync(string match, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT d.origin_node_id, d.origin_name, d.name, d.sha256, c.rowid, c.snippet, c.text, c.rank
            FROM (SELECT rowid, snippet(knowledge_chunks, 0, char({(int)MarkOpen}), char({(int)MarkClose}), '…', 24) AS snippet, text, rank
                  FROM knowledge_chunks WHERE knowledge_chunks MATCH $match ORDER BY rank LIMIT $limit) AS c
            JOIN knowledge_documents d ON d.id = c.rowid >> {ChunkBits}
            ORDER BY c.rank;
            """;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<LocalHit>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new LocalHit(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                (int)(reader.GetInt64(4) & MaxChunks), Highlight(reader.GetString(5)), reader.GetString(6), reader.GetDouble(7)));
        }

        return hits;
    }

    /// <summary>The index's chunk and token counts, and how many chunks hold each of <paramref name="terms"/>.</summary>
    public async Task<TermStatistics> StatisticsAsync(IReadOnlyList<string> terms, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(sum(chunks), 0), coalesce(sum(tokens), 0) FROM knowledge_documents;";
        long chunks, tokens;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (chunks, tokens) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var withTerm = new Dictionary<string, long>(StringComparer.Ordinal);
        command.CommandText = "SELECT doc FROM knowledge_terms WHERE term = $term;";
        var term = command.Parameters.Add("$term", SqliteType.Text);
        foreach (var t in terms)
        {
            term.Value = t;
            withTerm[t] = await command.ExecuteScalarAsync(cancellationToken) is long count ? count : 0;
        }

        return new TermStatistics(chunks, tokens, withTerm);
    }

    /// <summary>How many documents and chunks the index holds.</summary>
    public async Task<(long Documents, long Chunks)> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM knowledge_documents), (SELECT count(*) FROM knowledge_chunks);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The snippet with its marks as <c>&lt;mark&gt;</c> tags; tags of that name in the file's own text are dropped so only matches look marked.</summary>
    internal static string Highlight(string snippet) =>
        snippet.Replace("<mark>", "", StringComparison.OrdinalIgnoreCase).Replace("</mark>", "", StringComparison.OrdinalIgnoreCase)
            .Replace(MarkOpen.ToString(), "<mark>", StringComparison.Ordinal).Replace(MarkClose.ToString(), "</mark>", StringComparison.Ordinal);

    private static async Task DeleteChunksAsync(SqliteConnection connection, long id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM knowledge_chunks WHERE rowid BETWEEN $first AND $last;
            DELETE FROM knowledge_vectors WHERE chunk BETWEEN $first AND $last;
            """;
        command.Parameters.AddWithValue("$first", id << ChunkBits);
        command.Parameters.AddWithValue("$last", (id << ChunkBits) | MaxChunks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
