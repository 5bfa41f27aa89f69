using MeshMind.Knowledge.Embeddings;
using Microsoft.Data.Sqlite;

namespace MeshMind.Knowledge.Index;

/// <summary>
/// The chunks' embeddings (<c>knowledge_vectors</c>): one unit-length float32 vector per chunk with the model that made it, and a
/// document's <c>embedding_model</c> once all its chunks have one. Re-indexing a document clears both, so its new chunks are
/// embedded again; a different model re-embeds every document.
/// </summary>
/// <remarks>
/// The nearest chunks are found by brute force: every vector of the model is read and compared (a dot product, the vectors being
/// unit length). At a node's scale (tens of thousands of chunks of a few hundred dimensions, some tens of MB) that is tens of
/// milliseconds; an approximate index (HNSW, IVF) would pay off only well beyond it.
/// </remarks>
internal sealed partial class KnowledgeIndex
{
    /// <summary>A document whose chunks are not (all) embedded with <paramref name="model"/>, or null when every one is.</summary>
    public async Task<(long Id, string Sha256)?> NextToEmbedAsync(string model, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, sha256 FROM knowledge_documents WHERE chunks > 0 AND embedding_model <> $model ORDER BY id LIMIT 1;";
        command.Parameters.AddWithValue("$model", model);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>A document's chunks in order: their rowids and text.</summary>
    public async Task<IReadOnlyList<(long Rowid, string Text)>> ChunksAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, text FROM knowledge_chunks WHERE rowid BETWEEN $first AND $last ORDER BY rowid;";
        command.Parameters.AddWithValue("$first", id << ChunkBits);
        command.Parameters.AddWithValue("$last", (id << ChunkBits) | MaxChunks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var chunks = new List<(long, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            chunks.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return chunks;
    }

    /// <summary>
    /// Stores a document's vectors (one per chunk of <see cref="ChunksAsync"/>, in order) and marks it embedded with
    /// <paramref name="model"/>, unless it was re-indexed or removed meanwhile (its content is no longer <paramref name="sha256"/>).
    /// </summary>
    /// <returns>False when the document changed meanwhile and nothing was stored.</returns>
    public async Task<bool> StoreVectorsAsync(long id, string sha256, string model, IReadOnlyList<(long Rowid, float[] Vector)> vectors,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var mark = connection.CreateCommand())
        {
            mark.CommandText = "UPDATE knowledge_documents SET embedding_model = $model WHERE id = $id AND sha256 = $sha;";
            mark.Parameters.AddWithValue("$model", model);
            mark.Parameters.AddWithValue("$id", id);
            mark.Parameters.AddWithValue("$sha", sha256);
            if (await mark.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT OR REPLACE INTO knowledge_vectors (chunk, model, vector) VALUES ($chunk, $model, $vector);";
            var chunk = insert.Parameters.Add("$chunk", SqliteType.Integer);
            insert.Parameters.AddWithValue("$model", model);
            var vector = insert.Parameters.Add("$vector", SqliteType.Blob);
            foreach (var (rowid, values) in vectors)
            {
                chunk.Value = rowid;
                vector.Value = Vectors.ToBlob(values);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The <paramref name="limit"/> chunks nearest to <paramref name="query"/> (unit length) among those embedded with
    /// <paramref name="model"/>, most similar first; vectors of another length (another model of the same name) are skipped.
    /// </summary>
    public async Task<IReadOnlyList<LocalHit>> NearestAsync(float[] query, string model, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var best = new PriorityQueue<long, float>(limit + 1);
        var similarities = new Dictionary<long, float>();
        await using (var scan = connection.CreateCommand())
        {
            scan.CommandText = "SELECT chunk, vector FROM knowledge_vectors WHERE model = $model;";
            scan.Parameters.AddWithValue("$model", model);
            await using var reader = await scan.ExecuteReaderAsync(cancellationToken);
            var buffer = new byte[query.Length * sizeof(float)];
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBytes(1, 0, null, 0, 0) != buffer.Length)
                {
                    continue;
                }

                reader.GetBytes(1, 0, buffer, 0, buffer.Length);
                var similarity = Vectors.Dot(query, buffer);
                best.Enqueue(reader.GetInt64(0), similarity);
                if (best.Count > limit)
                {
                    best.Dequeue();
                }
            }
        }

        while (best.TryDequeue(out var chunk, out var similarity))
        {
            similarities[chunk] = similarity;
        }

        if (similarities.Count == 0)
        {
            return [];
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT d.origin_node_id, d.origin_name, d.name, d.sha256, c.rowid, c.text
            FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.rowid >> {ChunkBits}
            WHERE c.rowid IN ({string.Join(',', similarities.Keys)});
            """;
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<LocalHit>();
        while (await rows.ReadAsync(cancellationToken))
        {
            var rowid = rows.GetInt64(4);
            var text = rows.GetString(5);
            hits.Add(new LocalHit(rows.GetString(0), rows.GetString(1), rows.GetString(2), rows.GetString(3), (int)(rowid & MaxChunks),
                Lead(text), text, 0, Math.Round(similarities[rowid], 6)));
        }

        return [.. hits.OrderByDescending(h => h.Similarity)];
    }

    /// <summary>How many chunks have a vector made with <paramref name="model"/>.</summary>
    public async Task<long> CountVectorsAsync(string model, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM knowledge_vectors WHERE model = $model;";
        command.Parameters.AddWithValue("$model", model);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A semantic hit's snippet: the chunk's first words (nothing is marked: no word of it need match the query).</summary>
    internal static string Lead(string text)
    {
        const int Length = 240;
        var lead = text.Length <= Length ? text : text[..Length];
        var space = lead.Length < text.Length ? lead.LastIndexOf(' ') : -1;
        return Highlight(space > Length / 2 ? lead[..space] + "…" : lead.Length < text.Length ? lead + "…" : lead);
    }
}
