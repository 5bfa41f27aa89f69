using MeshMind.Storage;

namespace MeshMind.Mesh.Peers;

/// <summary>
/// Static peers kept in the database (<c>static_peers</c>), dialled at every start besides <c>Mesh:Peers</c>: the node a device
/// joined by invite, so the joined node finds its mesh even where discovery does not reach (another subnet).
/// </summary>
internal sealed class StaticPeerStore(Database database, TimeProvider time)
{
    /// <summary>Adds <paramref name="address"/> (<c>HOST:PORT</c>), or updates the node id expected there.</summary>
    public async Task AddAsync(string address, string? nodeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO static_peers (address, node_id, added_at) VALUES ($address, $id, $now)
            ON CONFLICT(address) DO UPDATE SET node_id = excluded.node_id;
            """;
        command.Parameters.AddWithValue("$address", address);
        command.Parameters.AddWithValue("$id", (object?)nodeId ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT address FROM static_peers ORDER BY added_at;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var addresses = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            addresses.Add(reader.GetString(0));
        }

        return addresses;
    }
}
