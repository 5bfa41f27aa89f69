using System.Globalization;
using MeshMind.Storage;

namespace MeshMind.Mesh.Admission;

/// <summary>Peers remembered across restarts (<c>peers</c> table): admissions (pinning) and revocations.</summary>
internal sealed class PeerStore(Database database, TimeProvider time)
{
    public Task AdmitAsync(string nodeId, string name, string? address, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            INSERT INTO peers (node_id, name, last_address, first_seen, last_seen, admitted) VALUES ($id, $name, $address, $now, $now, 1)
            ON CONFLICT(node_id) DO UPDATE SET admitted = 1, name = excluded.name, last_address = excluded.last_address, last_seen = excluded.last_seen;
            """, nodeId, name, address, cancellationToken);

    public Task RevokeAsync(string nodeId, string? name, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            INSERT INTO peers (node_id, name, first_seen, last_seen, revoked) VALUES ($id, $name, $now, $now, 1)
            ON CONFLICT(node_id) DO UPDATE SET revoked = 1;
            """, nodeId, name ?? "", null, cancellationToken);

    /// <summary>Lifts a revocation (the undo of <see cref="RevokeAsync"/>). False when the node was not revoked.</summary>
    public async Task<bool> RestoreAsync(string nodeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE peers SET revoked = 0 WHERE node_id = $id AND revoked = 1;";
        command.Parameters.AddWithValue("$id", nodeId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Revoked peers with what was known of them, so they stay listed (as revoked) after a restart.</summary>
    public async Task<IReadOnlyList<StoredPeer>> RevokedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT node_id, name, last_address, first_seen, last_seen FROM peers WHERE revoked = 1;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var peers = new List<StoredPeer>();
        while (await reader.ReadAsync(cancellationToken))
        {
            peers.Add(new StoredPeer(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture), DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture)));
        }

        return peers;
    }

    /// <summary>Every node admitted before, revoked ones included: lifting a revocation must find a pinned peer pinned.</summary>
    public Task<IReadOnlyList<string>> AdmittedAsync(CancellationToken cancellationToken) => IdsAsync("admitted = 1", cancellationToken);

    private async Task ExecuteAsync(string sql, string nodeId, string name, string? address, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", nodeId);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$address", (object?)address ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<string>> IdsAsync(string where, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT node_id FROM peers WHERE " + where + ";";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
