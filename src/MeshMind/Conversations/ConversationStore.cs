using System.Globalization;
using System.Text.Json;
using MeshMind.Storage;
using Microsoft.Data.Sqlite;

namespace MeshMind.Conversations;

/// <summary>
/// Conversation memory in SQLite (seed §5.3–5.4): this node's conversations and exchanges, and the histories peers
/// shared with it, kept per peer node id.
/// </summary>
internal sealed partial class ConversationStore(Database database, TimeProvider time)
{
    public const int TitleLength = 80;

    /// <summary>At most this many exchanges are kept per peer; older ones drop off.</summary>
    public const int MaxPeerExchanges = 2_000;

    /// <summary>The most parent links <see cref="BranchAsync"/> follows.</summary>
    public const int MaxBranchDepth = 5_000;

    /// <summary>Raised after an exchange is saved, so it can be shared.</summary>
    public event Action<Exchange>? Saved;

    public static string NewConversationId() => "c_" + Guid.NewGuid().ToString("N");

    private static readonly System.Buffers.SearchValues<char> s_idCharacters =
        System.Buffers.SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_");

    public static bool IsValidId(string? id) =>
        id is { Length: > 2 and <= 66 } && id.StartsWith("c_", StringComparison.Ordinal) && id.AsSpan(2).IndexOfAnyExcept(s_idCharacters) < 0;

    public async Task<bool> ExistsAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT 1 FROM conversations WHERE id = $id;", ("$id", conversationId));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Saves a new exchange (and its conversation, the first time), then raises <see cref="Saved"/>.</summary>
    public async Task SaveAsync(Exchange exchange, CancellationToken cancellationToken, ConversationSettings? settings = null)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            var now = Text(exchange.CreatedAt);
            await using (var conversation = Command(connection, """
                INSERT INTO conversations (id, title, created_at, updated_at) VALUES ($id, $title, $now, $now)
                ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at;
                """, ("$id", exchange.ConversationId), ("$title", TitleOf(exchange.Question)), ("$now", now)))
            {
                await conversation.ExecuteNonQueryAsync(cancellationToken);
            }

            if (settings is not null)
            {
                await using var update = Command(connection,
                    "UPDATE conversations SET system_prompt = $prompt, temperature = $temperature, max_tokens = $max WHERE id = $id;",
                    ("$id", exchange.ConversationId), ("$prompt", settings.SystemPrompt), ("$temperature", settings.Temperature), ("$max", settings.MaxTokens));
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            await InsertAsync(connection, exchange, cancellationToken);

            await transaction.CommitAsync(cancellationToken);
        }

        Saved?.Invoke(exchange);
    }

    private static async Task InsertAsync(SqliteConnection connection, Exchange exchange, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, """
            INSERT INTO exchanges (id, conversation_id, question, answer, model, host_node_id, host_name, host_ip, host_has_llm,
                latency_ms, ttft_ms, prompt_tokens, completion_tokens, created_at, error, parent_id, sources)
            VALUES ($id, $conversation, $question, $answer, $model, $host_id, $host_name, $host_ip, $host_llm,
                $latency, $ttft, $prompt, $completion, $created, $error, $parent, $sources);
            """,
            ("$id", exchange.Id), ("$conversation", exchange.ConversationId), ("$question", exchange.Question), ("$answer", exchange.Answer),
            ("$model", exchange.Model), ("$host_id", exchange.Host.NodeId), ("$host_name", exchange.Host.Name), ("$host_ip", exchange.Host.Ip),
            ("$host_llm", exchange.Host.HasLlm), ("$latency", exchange.LatencyMs), ("$ttft", exchange.TtftMs), ("$prompt", exchange.PromptTokens),
            ("$completion", exchange.CompletionTokens), ("$created", Text(exchange.CreatedAt)), ("$error", exchange.Error), ("$parent", exchange.ParentId),
            ("$sources", exchange.Sources is { } sources ? JsonSerializer.Serialize(sources, ConversationJsonContext.Default.IReadOnlyListKnowledgeSource) : null));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Replaces an exchange's answer (an answer that was continued), then raises <see cref="Saved"/> so peers get the new text.</summary>
    public async Task UpdateAnswerAsync(Exchange exchange, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var update = Command(connection, """
            UPDATE exchanges SET answer = $answer, model = $model, host_node_id = $host_id, host_name = $host_name, host_ip = $host_ip,
                host_has_llm = $host_llm, latency_ms = $latency, prompt_tokens = $prompt, completion_tokens = $completion, error = $error
            WHERE id = $id;
            UPDATE conversations SET updated_at = $now WHERE id = $conversation;
            """,
            ("$id", exchange.Id), ("$conversation", exchange.ConversationId), ("$answer", exchange.Answer), ("$model", exchange.Model),
            ("$host_id", exchange.Host.NodeId), ("$host_name", exchange.Host.Name), ("$host_ip", exchange.Host.Ip), ("$host_llm", exchange.Host.HasLlm),
            ("$latency", exchange.LatencyMs), ("$prompt", exchange.PromptTokens), ("$completion", exchange.CompletionTokens), ("$error", exchange.Error),
            ("$now", Text(time.GetUtcNow()))))
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        Saved?.Invoke(exchange);
    }

    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT c.id, c.title, c.updated_at, (SELECT COUNT(*) FROM exchanges e WHERE e.conversation_id = c.id)
            FROM conversations c ORDER BY c.updated_at DESC, c.id LIMIT $limit;
            """, ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ConversationSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ConversationSummary(reader.GetString(0), reader.GetString(1), Time(reader.GetString(2)), reader.GetInt32(3)));
        }

        return list;
    }

    public async Task<ConversationDetail?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (await HeaderAsync(id, cancellationToken) is not { } header)
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var exchanges = await ExchangesAsync(connection, "WHERE conversation_id = $id ORDER BY created_at, rowid", int.MaxValue, cancellationToken, ("$id", id));
        return new ConversationDetail(id, header.Title, header.CreatedAt, header.UpdatedAt, exchanges, header.Settings);
    }

    /// <summary>A conversation without its exchanges, or null.</summary>
    public async Task<ConversationHeader?> HeaderAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT title, created_at, updated_at, system_prompt, temperature, max_tokens FROM conversations WHERE id = $id;", ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ConversationHeader(reader.GetString(0), Time(reader.GetString(1)), Time(reader.GetString(2)), new ConversationSettings(
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetInt32(5)));
    }

    /// <summary>One exchange of a conversation, or null.</summary>
    public async Task<Exchange?> FindAsync(string conversationId, string exchangeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = await ExchangesAsync(connection, "WHERE conversation_id = $conversation AND id = $id", 1, cancellationToken,
            ("$conversation", conversationId), ("$id", exchangeId));
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The id of a conversation's newest exchange (where a question without a parent goes), or null when it has none.</summary>
    public async Task<string?> NewestExchangeIdAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT id FROM exchanges WHERE conversation_id = $id ORDER BY created_at DESC, rowid DESC LIMIT 1;", ("$id", conversationId));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// The branch that ends at <paramref name="leafId"/>: its last <paramref name="turns"/> answered exchanges, oldest first (context
    /// for the next turn). Failed exchanges on the way are skipped; at most <see cref="MaxBranchDepth"/> steps are walked.
    /// </summary>
    public async Task<IReadOnlyList<Exchange>> BranchAsync(string conversationId, string? leafId, int turns, CancellationToken cancellationToken)
    {
        if (leafId is null)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var newestFirst = await ExchangesAsync(connection, """
            WITH RECURSIVE branch(eid, depth) AS (
                SELECT $leaf, 0
                UNION ALL
                SELECT e.parent_id, branch.depth + 1 FROM exchanges e JOIN branch ON e.id = branch.eid
                WHERE e.parent_id IS NOT NULL AND branch.depth < $max_depth)
            """, "JOIN branch ON exchanges.id = branch.eid WHERE conversation_id = $conversation AND error IS NULL ORDER BY branch.depth",
            turns, [("$conversation", conversationId), ("$leaf", leafId), ("$max_depth", MaxBranchDepth)], cancellationToken);
        return [.. newestFirst.Reverse()];
    }

    /// <summary>This node's newest exchanges, newest first.</summary>
    public async Task<IReadOnlyList<Exchange>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ExchangesAsync(connection, "ORDER BY created_at DESC, rowid DESC", limit, cancellationToken);
    }

    /// <summary>Replaces everything known of a peer's history (its <c>local.json</c>) or, with <paramref name="replace"/> false, adds to it.</summary>
    public async Task StorePeerAsync(string nodeId, string name, IReadOnlyList<Exchange> exchanges, bool replace, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var history = Command(connection, """
            INSERT INTO peer_histories (node_id, name, updated_at) VALUES ($node, $name, $now)
            ON CONFLICT(node_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at;
            """, ("$node", nodeId), ("$name", name), ("$now", Text(time.GetUtcNow()))))
        {
            await history.ExecuteNonQueryAsync(cancellationToken);
        }

        if (replace)
        {
            await using var clear = Command(connection, "DELETE FROM peer_exchanges WHERE node_id = $node;", ("$node", nodeId));
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var exchange in exchanges)
        {
            await using var insert = Command(connection, """
                INSERT INTO peer_exchanges (node_id, id, created_at, payload) VALUES ($node, $id, $created, $payload)
                ON CONFLICT(node_id, id) DO UPDATE SET payload = excluded.payload, created_at = excluded.created_at;
                """, ("$node", nodeId), ("$id", exchange.Id), ("$created", Text(exchange.CreatedAt)),
                ("$payload", JsonSerializer.Serialize(exchange, ConversationJsonContext.Default.Exchange)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var trim = Command(connection, """
            DELETE FROM peer_exchanges WHERE node_id = $node AND id NOT IN
                (SELECT id FROM peer_exchanges WHERE node_id = $node ORDER BY created_at DESC LIMIT $keep);
            """, ("$node", nodeId), ("$keep", MaxPeerExchanges)))
        {
            await trim.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<NodeHistory?> PeerAsync(string nodeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        string name;
        DateTimeOffset updated;
        await using (var command = Command(connection, "SELECT name, updated_at FROM peer_histories WHERE node_id = $node;", ("$node", nodeId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (name, updated) = (reader.GetString(0), Time(reader.GetString(1)));
        }

        var exchanges = new List<Exchange>();
        await using (var command = Command(connection,
            "SELECT payload FROM peer_exchanges WHERE node_id = $node ORDER BY created_at DESC LIMIT $limit;", ("$node", nodeId), ("$limit", limit)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (JsonSerializer.Deserialize(reader.GetString(0), ConversationJsonContext.Default.Exchange) is { } exchange)
                {
                    exchanges.Add(exchange);
                }
            }
        }

        return new NodeHistory(nodeId, name, updated, exchanges);
    }

    private static async Task<IReadOnlyList<Exchange>> ExchangesAsync(SqliteConnection connection, string clause, int limit,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await ExchangesAsync(connection, "", clause, limit, parameters, cancellationToken);

    /// <param name="prefix">SQL before the <c>SELECT</c>: a <c>WITH</c> clause that <paramref name="clause"/> joins.</param>
    /// <param name="connection">An open connection.</param>
    /// <param name="clause">What follows <c>FROM exchanges</c>.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="parameters">The SQL's parameters.</param>
    /// <param name="cancellationToken">The caller's.</param>
    private static async Task<IReadOnlyList<Exchange>> ExchangesAsync(SqliteConnection connection, string prefix, string clause, int limit,
        (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"""
            {prefix}
            SELECT exchanges.id, conversation_id, question, answer, model, host_node_id, host_name, host_ip, host_has_llm,
                latency_ms, ttft_ms, prompt_tokens, completion_tokens, created_at, error, parent_id, sources
            FROM exchanges {clause} LIMIT $limit;
            """, [.. parameters, ("$limit", limit)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<Exchange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Exchange(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                new ExchangeHost(reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetBoolean(8)),
                reader.GetDouble(9), reader.IsDBNull(10) ? null : reader.GetDouble(10), reader.GetInt32(11), reader.GetInt32(12),
                Time(reader.GetString(13)), reader.IsDBNull(14) ? null : reader.GetString(14), reader.IsDBNull(15) ? null : reader.GetString(15),
                reader.IsDBNull(16) ? null : JsonSerializer.Deserialize(reader.GetString(16), ConversationJsonContext.Default.IReadOnlyListKnowledgeSource)));
        }

        return list;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static string Text(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
