using System.Text.Json;
using System.Text.Json.Serialization;
using MeshMind.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace MeshMind.Analytics;

/// <summary>
/// Analytics history in SQLite (table <c>analytics</c>): minute buckets for recent ranges, hour buckets (rolled up as
/// minutes are written) for long ones, each trimmed after its retention.
/// </summary>
internal sealed class AnalyticsStore(Database database, IOptions<AnalyticsOptions> options, TimeProvider time)
{
    public const int Minute = 60;
    public const int Hour = 3600;

    private readonly AnalyticsOptions _options = options.Value;

    /// <summary>Adds <paramref name="rows"/> (minute buckets) to the minute and hour tables, merging with what is there.</summary>
    public async Task AddAsync(IReadOnlyList<AnalyticsRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT data FROM analytics WHERE resolution = $r AND start = $s AND kind = $k AND key = $key";
        var (rr, rs, rk, rkey) = (read.Parameters.Add("$r", SqliteType.Integer), read.Parameters.Add("$s", SqliteType.Integer),
            read.Parameters.Add("$k", SqliteType.Text), read.Parameters.Add("$key", SqliteType.Text));
        await using var write = connection.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = "INSERT OR REPLACE INTO analytics (resolution, start, kind, key, data) VALUES ($r, $s, $k, $key, $data)";
        var (wr, ws, wk, wkey, wdata) = (write.Parameters.Add("$r", SqliteType.Integer), write.Parameters.Add("$s", SqliteType.Integer),
            write.Parameters.Add("$k", SqliteType.Text), write.Parameters.Add("$key", SqliteType.Text), write.Parameters.Add("$data", SqliteType.Text));

        foreach (var row in rows)
        {
            foreach (var resolution in (int[])[Minute, Hour])
            {
                var start = row.Start / resolution * resolution;
                (rr.Value, rs.Value, rk.Value, rkey.Value) = (resolution, start, row.Kind, row.Key);
                var merged = new Tally();
                merged.Merge(row.Data);
                if (await read.ExecuteScalarAsync(cancellationToken) is string existing && Parse(existing) is { } old)
                {
                    merged.Merge(old);
                }

                (wr.Value, ws.Value, wk.Value, wkey.Value) = (resolution, start, row.Kind, row.Key);
                wdata.Value = JsonSerializer.Serialize(merged.Snapshot(), AnalyticsStoreJsonContext.Default.TallyData);
                await write.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Rows of <paramref name="resolution"/> whose bucket starts in [<paramref name="from"/>, <paramref name="to"/>) (unix seconds).</summary>
    public async Task<IReadOnlyList<AnalyticsRow>> ReadAsync(int resolution, long from, long to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT start, kind, key, data FROM analytics WHERE resolution = $r AND start >= $from AND start < $to";
        command.Parameters.AddWithValue("$r", resolution);
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        var rows = new List<AnalyticsRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (Parse(reader.GetString(3)) is { } data)
            {
                rows.Add(new AnalyticsRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), data));
            }
        }

        return rows;
    }

    /// <summary>Deletes minute buckets older than <see cref="AnalyticsOptions.MinuteRetention"/> and hour buckets older than <see cref="AnalyticsOptions.Retention"/>.</summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<int> TrimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM analytics WHERE resolution = 60 AND start < $minutes;
            DELETE FROM analytics WHERE resolution = 3600 AND start < $hours;
            """;
        command.Parameters.AddWithValue("$minutes", (now - _options.MinuteRetention).ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$hours", (now - _options.Retention).ToUnixTimeSeconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static TallyData? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, AnalyticsStoreJsonContext.Default.TallyData);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(TallyData))]
internal sealed partial class AnalyticsStoreJsonContext : JsonSerializerContext;
