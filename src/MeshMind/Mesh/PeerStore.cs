using System.Globalization;
using MeshMind.Storage;

namespace MeshMind.Mesh;

/// <summary>Peers remembered across restarts (<c>peers</c> table): for now their revocation.</summary>
public sealed class PeerStore(Database database, TimeProvider time)
{
    public async Task RevokeAsync(string nodeId, string? name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO peers (node_id, name, first_seen, last_seen, revoked) VALUES ($id, $name, $now, $now, 1)
            ON CONFLICT(node_id) DO UPDATE SET revoked = 1;
            """;
        command.Parameters.AddWithValue("$id", nodeId);
        command.Parameters.AddWithValue("$name", name ?? "");
        command.Parameters.AddWithValue("$now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> RevokedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT node_id FROM peers WHERE revoked = 1;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
