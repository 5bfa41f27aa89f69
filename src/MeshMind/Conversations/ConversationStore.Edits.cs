namespace MeshMind.Conversations;

/// <summary>What people do to their own conversations: rename, delete, and copy a peer's conversation to continue it here.</summary>
internal sealed partial class ConversationStore
{
    public static string NewExchangeId() => "x_" + Guid.NewGuid().ToString("N");

    /// <summary>A conversation's title as its first question gives it: one line, at most <see cref="TitleLength"/> characters.</summary>
    public static string TitleOf(string text)
    {
        var title = text.ReplaceLineEndings(" ").Trim();
        return title.Length > TitleLength ? title[..TitleLength] + "…" : title;
    }

    /// <summary>Sets a conversation's title and generation settings.</summary>
    /// <returns>False when there is no such conversation.</returns>
    public async Task<bool> UpdateAsync(string id, string title, ConversationSettings settings, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "UPDATE conversations SET title = $title, system_prompt = $prompt, temperature = $temperature, max_tokens = $max WHERE id = $id;",
            ("$id", id), ("$title", title), ("$prompt", settings.SystemPrompt), ("$temperature", settings.Temperature), ("$max", settings.MaxTokens));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Deletes a conversation and its exchanges here. Copies peers already received stay theirs.</summary>
    /// <returns>False when there is no such conversation.</returns>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Its exchanges go with it (ON DELETE CASCADE; foreign keys are on for every connection).
        await using var command = Command(connection, "DELETE FROM conversations WHERE id = $id;", ("$id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>
    /// Copies one of a peer's conversations (as it shared it) into a new conversation of this node, so it can be continued
    /// here: new ids, the same questions, answers and who answered them. The copy is not announced to peers one exchange at a
    /// time; it is in this node's history the next time a link comes up.
    /// </summary>
    /// <returns>Null when nothing of that conversation was received from that peer.</returns>
    public async Task<ConversationCopy?> CopyFromPeerAsync(string nodeId, string peerConversationId, CancellationToken cancellationToken)
    {
        if (await PeerAsync(nodeId, MaxPeerExchanges, cancellationToken) is not { } history)
        {
            return null;
        }

        var source = history.Exchanges.Where(e => e.ConversationId == peerConversationId).OrderBy(e => e.CreatedAt).ToList();
        if (source.Count == 0)
        {
            return null;
        }

        var id = NewConversationId();
        var ids = source.ToDictionary(e => e.Id, _ => NewExchangeId());
        // A peer on an older version sends no parents: its conversation reads as one line in time order. A parent that is not
        // in the copy (trimmed from the peer's history) makes a new root.
        var linked = source.Any(e => e.ParentId is not null);
        string? previous = null;
        var copies = new List<Exchange>(source.Count);
        foreach (var exchange in source)
        {
            var parent = linked ? (exchange.ParentId is { } p && ids.TryGetValue(p, out var mapped) ? mapped : null) : previous;
            copies.Add(exchange with { Id = ids[exchange.Id], ConversationId = id, ParentId = parent });
            previous = ids[exchange.Id];
        }

        var from = history.Name.Length > 0 ? history.Name : nodeId[..12];
        var title = TitleOf($"{source[0].Question} (from {from})");
        var now = Text(time.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var conversation = Command(connection,
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ($id, $title, $now, $now);", ("$id", id), ("$title", title), ("$now", now)))
        {
            await conversation.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var copy in copies)
        {
            await InsertAsync(connection, copy, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ConversationCopy(id, title, copies.Count);
    }
}
