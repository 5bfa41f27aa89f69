using MeshMind.Storage;
using Microsoft.Data.Sqlite;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// The rotation schedule (<c>mesh_secrets</c>), so a restart keeps it: each accepted secret by its id (<see cref="MeshKeySet.Id"/>,
/// never the secret), when it became current and when it is dropped. The secrets themselves are in <c>p2p_secret.txt</c>.
/// </summary>
internal sealed class SecretScheduleStore(Database database)
{
    public async Task<IReadOnlyDictionary<string, SecretSchedule>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT secret_id, since, drop_at FROM mesh_secrets;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<string, SecretSchedule>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetString(0)] = new SecretSchedule(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>Replaces the whole schedule with <paramref name="rows"/> (one per accepted secret).</summary>
    public async Task SaveAsync(IReadOnlyList<SecretSchedule> rows, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM mesh_secrets;";
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var row in rows)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO mesh_secrets (secret_id, since, drop_at) VALUES ($id, $since, $drop);";
            insert.Parameters.AddWithValue("$id", row.SecretId);
            insert.Parameters.AddWithValue("$since", row.Since.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$drop", (object?)row.DropAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
