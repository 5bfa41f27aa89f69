using MeshMind.Infrastructure;
using MeshMind.Node;
using Microsoft.Data.Sqlite;

namespace MeshMind.Storage;

/// <summary>
/// The node's SQLite database (<c>meshmind.db</c> in the data directory): WAL mode, versioned migrations.
/// </summary>
/// <remarks>
/// Connections are cheap (Microsoft.Data.Sqlite pools them); open one per unit of work with <see cref="OpenAsync"/>.
/// The schema version lives in <c>PRAGMA user_version</c>, so a database written by a newer MeshMind is refused
/// rather than misread.
/// </remarks>
internal sealed partial class Database
{
    private readonly string _connectionString;
    private readonly ILogger<Database> _logger;

    public Database(DataDirectory dataDirectory, ILogger<Database> logger)
    {
        Path = System.IO.Path.Combine(dataDirectory.Root, "meshmind.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _logger = logger;
    }

    public string Path { get; }

    /// <summary>Opens a connection with the per-connection settings MeshMind relies on.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Switches to WAL and applies every migration newer than the file's version, each in its own transaction.</summary>
    public async Task MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        // SQLite creates the -wal and -shm files with the database file's mode, so an owner-only database keeps them owner-only.
        SecureFile.CreateIfMissing(Path);
        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteScalarAsync(cancellationToken);
        }

        var current = await UserVersionAsync(connection, cancellationToken);
        var latest = migrations.Count == 0 ? 0 : migrations.Max(m => m.Version);
        if (current > latest)
        {
            throw new InvalidOperationException(
                $"{Path} has schema version {current}, newer than this MeshMind understands ({latest}). Use a newer MeshMind or another --data-dir.");
        }

        foreach (var migration in migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = migration.Sql + $"\nPRAGMA user_version = {migration.Version};";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogMigrationApplied(migration.Version, migration.Name);
        }
    }

    /// <summary>The schema version recorded in the file.</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await UserVersionAsync(connection, cancellationToken);
    }

    private static async Task<int> UserVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Database migrated to schema version {Version} ({Name})")]
    private partial void LogMigrationApplied(int version, string name);
}
