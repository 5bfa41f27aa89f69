using System.Globalization;
using MeshMind.Files.Peers;
using Microsoft.Data.Sqlite;

namespace MeshMind.Files.Store;

/// <summary>Replicas: other nodes' pinned files kept here, in the same blob folder, counted against <see cref="FileOptions.ReplicaQuotaBytes"/>.</summary>
internal sealed partial class FileStore
{
    /// <summary>Raised after a replica is stored or replaced.</summary>
    public event Action<ReplicaFile>? ReplicaStored;

    /// <summary>Raised after a replica is dropped: (origin node id, name).</summary>
    public event Action<string, string>? ReplicaRemoved;

    /// <summary>The replica quota would be exceeded; nothing is kept.</summary>
    public sealed class QuotaException(string message) : Exception(message);

    /// <summary>
    /// Keeps <paramref name="content"/> as this node's replica of <paramref name="file"/> from <paramref name="originNodeId"/>,
    /// replacing an older one of that name, after checking that it is exactly the announced size and SHA-256 and that it
    /// fits under the quota (an older replica of the same name does not count, it is replaced).
    /// </summary>
    /// <exception cref="QuotaException">No room; checked before and while receiving.</exception>
    /// <exception cref="MismatchException">Other bytes than announced; nothing is kept.</exception>
    public async Task<ReplicaFile> SaveReplicaAsync(string originNodeId, string originName, AnnouncedFile file, Stream content, CancellationToken cancellationToken)
    {
        var room = Options.ReplicaQuotaBytes - await ReplicaBytesAsync(originNodeId, file.Name, cancellationToken);
        if (file.Size > room)
        {
            throw new QuotaException($"{file.Size} bytes do not fit: {Math.Max(0, room)} of {Options.ReplicaQuotaBytes} bytes left (Files:ReplicaQuotaBytes)");
        }

        var blob = await ReceiveAsync(content, file.Size, () => new MismatchException($"more than the announced {file.Size} bytes"), cancellationToken);
        if (blob.Size != file.Size || blob.Sha256 != file.Id)
        {
            TryDelete(blob.Temp);
            throw new MismatchException($"received {blob.Size} bytes with sha256 {blob.Sha256[..12]}, announced {file.Size} bytes with sha256 {file.Id[..12]}");
        }

        var replica = new ReplicaFile(originNodeId, originName, file.Name, file.Id, file.Size, file.ContentType, file.Modified);
        await _writeLock.WaitAsync(CancellationToken.None);
        try
        {
            await using var connection = await OpenAndCommitAsync(blob);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None);
            var replaced = await ScalarAsync(connection, "SELECT sha256 FROM replicas WHERE origin_node_id = $origin AND name = $name;",
                ("$origin", originNodeId), ("$name", file.Name)) as string;
            await ExecuteAsync(connection, """
                INSERT INTO replicas (origin_node_id, origin_name, name, sha256, size, content_type, modified, stored_at)
                VALUES ($origin, $originName, $name, $sha, $size, $type, $modified, $storedAt)
                ON CONFLICT(origin_node_id, name) DO UPDATE SET origin_name = excluded.origin_name, sha256 = excluded.sha256,
                    size = excluded.size, content_type = excluded.content_type, modified = excluded.modified, stored_at = excluded.stored_at;
                """, ("$origin", originNodeId), ("$originName", originName), ("$name", file.Name), ("$sha", file.Id), ("$size", file.Size),
                ("$type", file.ContentType), ("$modified", Text(file.Modified)), ("$storedAt", Text(_time.GetUtcNow())));
            await transaction.CommitAsync(CancellationToken.None);
            Interlocked.Increment(ref _version);
            if (replaced is not null && replaced != file.Id)
            {
                await DeleteBlobIfUnreferencedAsync(connection, replaced);
            }
        }
        finally
        {
            _writeLock.Release();
        }

        LogReplicaStored(file.Name, originName, file.Size);
        ReplicaStored?.Invoke(replica);
        return replica;
    }

    public async Task<bool> DeleteReplicaAsync(string originNodeId, string name, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            if (await ScalarAsync(connection, "DELETE FROM replicas WHERE origin_node_id = $origin AND name = $name RETURNING sha256;",
                ("$origin", originNodeId), ("$name", name)) is not string sha256)
            {
                return false;
            }

            Interlocked.Increment(ref _version);
            await DeleteBlobIfUnreferencedAsync(connection, sha256);
        }
        finally
        {
            _writeLock.Release();
        }

        LogReplicaDropped(name, originNodeId[..12]);
        ReplicaRemoved?.Invoke(originNodeId, name);
        return true;
    }

    public Task<IReadOnlyList<ReplicaFile>> ListReplicasAsync(CancellationToken cancellationToken) =>
        QueryReplicasAsync("ORDER BY name, origin_node_id", cancellationToken);

    public Task<IReadOnlyList<ReplicaFile>> ListReplicasOfAsync(string originNodeId, CancellationToken cancellationToken) =>
        QueryReplicasAsync("WHERE origin_node_id = $origin ORDER BY name", cancellationToken, ("$origin", originNodeId));

    public async Task<ReplicaFile?> FindReplicaAsync(string originNodeId, string name, CancellationToken cancellationToken) =>
        await QueryReplicasAsync("WHERE origin_node_id = $origin AND name = $name", cancellationToken, ("$origin", originNodeId), ("$name", name))
            is [var replica, ..] ? replica : null;

    /// <summary>Any replica of that name (for a chat attachment named by the user), the most recently stored first.</summary>
    public async Task<ReplicaFile?> FindReplicaByNameAsync(string name, CancellationToken cancellationToken) =>
        await QueryReplicasAsync("WHERE name = $name ORDER BY stored_at DESC LIMIT 1", cancellationToken, ("$name", name)) is [var replica, ..] ? replica : null;

    /// <summary>Bytes held as replicas, leaving out the replica <paramref name="exceptName"/> of <paramref name="exceptOrigin"/> (about to be replaced).</summary>
    public async Task<long> ReplicaBytesAsync(string exceptOrigin, string exceptName, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return Convert.ToInt64(await ScalarAsync(connection,
            "SELECT COALESCE(SUM(size), 0) FROM replicas WHERE NOT (origin_node_id = $origin AND name = $name);",
            ("$origin", exceptOrigin), ("$name", exceptName)), CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<ReplicaFile>> QueryReplicasAsync(string clause, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT origin_node_id, origin_name, name, sha256, size, content_type, modified FROM replicas {clause};";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ReplicaFile>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ReplicaFile(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetString(5), DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)));
        }

        return list;
    }

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Stored a replica of '{Name}' from '{Origin}' ({Size} bytes, hash verified)")]
    private partial void LogReplicaStored(string name, string origin, long size);

    [LoggerMessage(EventId = 802, Level = LogLevel.Information, Message = "Dropped the replica of '{Name}' from {Origin}")]
    private partial void LogReplicaDropped(string name, string origin);
}
