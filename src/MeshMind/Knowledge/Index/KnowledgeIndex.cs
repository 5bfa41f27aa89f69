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
        await using var batch = await BeginAsync(cancellationToken);
        await batch.ReplaceAsync(originNodeId, originName, name, sha256, characters, chunks, cancellationToken);
        await batch.CommitAsync(cancellationToken);
    }

    /// <summary>A document's chunk texts (at most <see cref="MaxChunks"/>) and their token count, for the cross-node BM25 statistics.</summary>
    internal sealed record PreparedChunks(IReadOnlyList<string> Texts, long Tokens);

    /// <summary>What <see cref="Batch.ReplaceAsync(string, string, string, string, int, PreparedChunks, CancellationToken)"/> needs of a document's chunks; no database work.</summary>
    public static PreparedChunks Prepare(IEnumerable<Chunker.Chunk> chunks)
    {
        var texts = new List<string>();
        long tokens = 0;
        foreach (var chunk in chunks)
        {
            if (texts.Count >= MaxChunks)
            {
                break;
            }

            texts.Add(chunk.Text);
            tokens += SearchQuery.CountTokens(chunk.Text);
        }

        return new PreparedChunks(texts, tokens);
    }

    /// <summary>
    /// Starts a write of several documents in one transaction (<see cref="Batch"/>): what the indexer uses, as a commit per
    /// small file made FTS5 write and merge a segment per file.
    /// </summary>
    public async Task<Batch> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            return new Batch(connection, transaction, time);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Documents replaced in one transaction on one connection, with its statements prepared once. Nothing of it is visible
    /// (or kept) until <see cref="CommitAsync"/>; disposed without it, it is rolled back.
    /// </summary>
    internal sealed class Batch : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private readonly TimeProvider _time;
        private readonly SqliteCommand _find;
        private readonly SqliteCommand _add;
        private readonly SqliteCommand _update;
        private readonly SqliteCommand _delete;
        private readonly SqliteCommand _insert;

        internal Batch(SqliteConnection connection, SqliteTransaction transaction, TimeProvider time)
        {
            (_connection, _transaction, _time) = (connection, transaction, time);
            _find = Command("SELECT id, chunks FROM knowledge_documents WHERE origin_node_id = $origin AND name = $name;",
                ("$origin", SqliteType.Text), ("$name", SqliteType.Text));
            // Plain single-row statements only between chunk inserts: a statement that may need its own rollback opens a
            // savepoint, and FTS5 writes out its pending inserts as a segment at every savepoint. The upsert used before (into
            // this table of NOT NULL columns) did that once a file: twice the CPU of a plain insert, as much as a commit a file.
            _add = Command("""
                INSERT INTO knowledge_documents (origin_node_id, origin_name, name, sha256, characters, chunks, tokens, indexed_at)
                VALUES ($origin, $originName, $name, $sha, $characters, $chunks, $tokens, $at);
                SELECT last_insert_rowid();
                """, ("$origin", SqliteType.Text), ("$originName", SqliteType.Text), ("$name", SqliteType.Text), ("$sha", SqliteType.Text),
                ("$characters", SqliteType.Integer), ("$chunks", SqliteType.Integer), ("$tokens", SqliteType.Integer), ("$at", SqliteType.Text));
            _update = Command("""
                UPDATE knowledge_documents SET origin_name = $originName, sha256 = $sha, characters = $characters, chunks = $chunks,
                    tokens = $tokens, indexed_at = $at, embedding_model = ''
                WHERE id = $id;
                """, ("$originName", SqliteType.Text), ("$sha", SqliteType.Text), ("$characters", SqliteType.Integer), ("$chunks", SqliteType.Integer),
                ("$tokens", SqliteType.Integer), ("$at", SqliteType.Text), ("$id", SqliteType.Integer));
            _delete = Command(DeleteChunks, ("$first", SqliteType.Integer), ("$last", SqliteType.Integer));
            _insert = Command("INSERT INTO knowledge_chunks (rowid, text) VALUES ($rowid, $text);", ("$rowid", SqliteType.Integer), ("$text", SqliteType.Text));
        }

        /// <summary>Documents replaced in this batch so far.</summary>
        public int Documents { get; private set; }

        /// <summary>Characters of chunk text inserted in this batch so far.</summary>
        public long Characters { get; private set; }

        /// <summary>Indexes (or re-indexes) a document's chunks; <paramref name="chunks"/> beyond <see cref="MaxChunks"/> are left out.</summary>
        public Task ReplaceAsync(string originNodeId, string originName, string name, string sha256, int characters,
            IEnumerable<Chunker.Chunk> chunks, CancellationToken cancellationToken) =>
            ReplaceAsync(originNodeId, originName, name, sha256, characters, Prepare(chunks), cancellationToken);

        /// <summary>Indexes (or re-indexes) a document's chunks, made ready by <see cref="Prepare"/> (possibly on another thread).</summary>
        public async Task ReplaceAsync(string originNodeId, string originName, string name, string sha256, int characters,
            PreparedChunks prepared, CancellationToken cancellationToken)
        {
            var (texts, tokens) = (prepared.Texts, prepared.Tokens);
            var at = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            Set(_find, originNodeId, name);
            long id, previousChunks;
            await using (var reader = await _find.ExecuteReaderAsync(cancellationToken))
            {
                (id, previousChunks) = await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
            }

            if (previousChunks > 0)
            {
                // Only when there is something to delete: a delete also makes FTS5 write out its pending inserts.
                Set(_delete, id << ChunkBits, (id << ChunkBits) | MaxChunks);
                await _delete.ExecuteNonQueryAsync(cancellationToken);
            }

            if (id != 0)
            {
                Set(_update, originName, sha256, characters, texts.Count, tokens, at, id);
                await _update.ExecuteNonQueryAsync(cancellationToken);
            }
            else
            {
                Set(_add, originNodeId, originName, name, sha256, characters, texts.Count, tokens, at);
                id = (long)(await _add.ExecuteScalarAsync(cancellationToken))!;
            }

            var (rowid, text) = (_insert.Parameters[0], _insert.Parameters[1]);
            for (var place = 0; place < texts.Count; place++)
            {
                rowid.Value = (id << ChunkBits) | (long)place;
                text.Value = texts[place];
                Characters += texts[place].Length;
                await _insert.ExecuteNonQueryAsync(cancellationToken);
            }

            Documents++;
        }

        public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            foreach (var command in new[] { _find, _add, _update, _delete, _insert })
            {
                await command.DisposeAsync();
            }

            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }

        private SqliteCommand Command(string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = _transaction;
            foreach (var (name, type) in parameters)
            {
                command.Parameters.Add(name, type);
            }

            return command;
        }

        private static void Set(SqliteCommand command, params object[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }
        }
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

    private const string DeleteChunks = """
        DELETE FROM knowledge_chunks WHERE rowid BETWEEN $first AND $last;
        DELETE FROM knowledge_vectors WHERE chunk BETWEEN $first AND $last;
        """;

    private static async Task DeleteChunksAsync(SqliteConnection connection, long id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = DeleteChunks;
        command.Parameters.AddWithValue("$first", id << ChunkBits);
        command.Parameters.AddWithValue("$last", (id << ChunkBits) | MaxChunks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
