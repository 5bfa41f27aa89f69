using MeshMind.Infrastructure;
using MeshMind.Node;
using MeshMind.Storage;
using MeshMind.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshMind.Tests.Storage;

public sealed class DatabaseTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private Database Create() =>
        new(new DataDirectory(Options.Create(new NodeOptions { DataDir = _dir.Combine("data") })), NullLogger<Database>.Instance);

    private static async Task<string?> ScalarAsync(Database database, string sql)
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))?.ToString();
    }

    [Fact]
    public async Task Migrate_FreshDirectory_CreatesWalDatabaseAtLatestVersion()
    {
        var database = Create();

        await database.MigrateAsync(Migrations.All, TestContext.Current.CancellationToken);

        Assert.True(File.Exists(database.Path));
        Assert.Equal("wal", await ScalarAsync(database, "PRAGMA journal_mode;"));
        Assert.Equal(Migrations.All.Max(m => m.Version), await database.SchemaVersionAsync(TestContext.Current.CancellationToken));
        Assert.Equal("users", await ScalarAsync(database, "SELECT name FROM sqlite_master WHERE name = 'users';"));
    }

    [Fact]
    public async Task Migrate_Twice_AppliesEachStepOnce()
    {
        var database = Create();
        Migration[] steps =
        [
            new(1, "one", "CREATE TABLE t (x INTEGER);"),
            new(2, "two", "INSERT INTO t VALUES (1);"),
        ];

        await database.MigrateAsync(steps, TestContext.Current.CancellationToken);
        await database.MigrateAsync(steps, TestContext.Current.CancellationToken);
        await database.MigrateAsync([.. steps, new(3, "three", "INSERT INTO t VALUES (3);")], TestContext.Current.CancellationToken);

        Assert.Equal("2", await ScalarAsync(database, "SELECT COUNT(*) FROM t;"));
        Assert.Equal(3, await database.SchemaVersionAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Migrate_FailingStep_RolledBackAndVersionUnchanged()
    {
        var database = Create();
        await database.MigrateAsync([new(1, "one", "CREATE TABLE t (x INTEGER);")], TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<SqliteException>(() => database.MigrateAsync(
            [new(1, "one", ""), new(2, "bad", "INSERT INTO t VALUES (1); SELECT * FROM missing_table;")], TestContext.Current.CancellationToken));

        Assert.Equal(1, await database.SchemaVersionAsync(TestContext.Current.CancellationToken));
        Assert.Equal("0", await ScalarAsync(database, "SELECT COUNT(*) FROM t;"));
    }

    [Fact]
    public async Task Migrate_DatabaseFromNewerVersion_RefusedWithClearMessage()
    {
        var database = Create();
        await database.MigrateAsync([new(1, "one", "CREATE TABLE t (x INTEGER);"), new(2, "two", "SELECT 1;")], TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            database.MigrateAsync([new(1, "one", "CREATE TABLE t (x INTEGER);")], TestContext.Current.CancellationToken));

        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecureFile_Write_OwnerOnlyAndComplete()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes do not exist on Windows.");
        }

        var path = _dir.Combine("secret.bin");

        SecureFile.WriteAllBytes(path, [1, 2, 3]);
        SecureFile.WriteAllBytes(path, [4, 5]);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }
}
