using System.Net.Http.Headers;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Node;

/// <summary>The data directory holds the node's key, its database and everyone's files: only its owner may read it.</summary>
public sealed class DataDirectoryPermissionsTests : IDisposable
{
    private const UnixFileMode Directory0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task UploadAsync(TestNode node, string name, string content)
    {
        using var client = await node.CreateLoggedInClientAsync();
        var part = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(content));
        part.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var response = await client.PostAsync("/api/upload", new MultipartFormDataContent { { part, "file", name } }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Start_OnAnExistingWorldReadableDirectory_MakesTheDirectoryAndEveryFileOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes do not exist on Windows (there the directory's ACL is restricted to the owner).");
        }

        var dataDir = _dir.Combine("data");
        await using (var first = await TestNode.StartAsync(dataDir: dataDir))
        {
            await UploadAsync(first, "before.txt", "kept from the first run");
        }

        // As an older MeshMind, a copy or a restore with umask 022 leaves it.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataDir, Directory0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            foreach (var entry in new DirectoryInfo(dataDir).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
            {
                entry.UnixFileMode = entry is DirectoryInfo
                    ? Directory0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                    : File0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            }
        }

        await using var node = await TestNode.StartAsync(dataDir: dataDir);
        await UploadAsync(node, "after.txt", "written by the second run");

        // SQLite deletes -wal and -shm when the last connection closes, and other tests in this process clear the
        // shared connection pool at any moment: hold a connection so they exist while the modes are read. SQLite
        // creates them with the database file's mode whoever opens it, which is what is checked here.
        await using var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "meshmind.db")};Pooling=False");
        await reader.OpenAsync(TestContext.Current.CancellationToken);
        await using (var read = reader.CreateCommand())
        {
            read.CommandText = "SELECT count(*) FROM sqlite_master;";
            await read.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        }

        var entries = new DirectoryInfo(dataDir).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).ToList();
        var names = entries.Select(e => e.Name).ToHashSet();
        Assert.Contains("meshmind.db", names);
        Assert.Contains("meshmind.db-wal", names);
        Assert.Contains("meshmind.db-shm", names);
        Assert.Contains("node.pfx", names);
        Assert.Equal(2, entries.Count(e => e is FileInfo && e.FullName.Contains($"{Path.DirectorySeparatorChar}blobs{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(Directory0700, File.GetUnixFileMode(dataDir));
            var modes = entries.Select(e => $"{Path.GetRelativePath(dataDir, e.FullName)} {Convert.ToString((int)e.UnixFileMode, 8)}").ToList();
            var expected = entries.Select(e => $"{Path.GetRelativePath(dataDir, e.FullName)} {(e is DirectoryInfo ? "700" : "600")}").ToList();
            Assert.Equal(expected, modes);
        }
    }
}
