using System.Globalization;
using MeshMind.Node;
using MeshMind.Storage;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace MeshMind.Files.Store;

/// <summary>
/// Content-addressed file store (DESIGN §7): blobs named by their SHA-256 under <c>files/blobs</c>, names and metadata
/// in SQLite. An upload streams to a temporary file while it is hashed, is flushed to disk and renamed into place, and
/// only then listed, so a crash mid-upload never leaves a partial file behind a name.
/// </summary>
internal sealed partial class FileStore : IDisposable
{
    private static readonly FileExtensionContentTypeProvider s_types = new();
    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly ILogger<FileStore> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private long _version;

    public FileStore(DataDirectory data, Database database, IOptions<FileOptions> options, TimeProvider time, ILogger<FileStore> logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
        Options = options.Value;
        BlobDirectory = data.PathOf(Path.Combine("files", "blobs"));
        TempDirectory = data.PathOf(Path.Combine("files", "tmp"));
    }

    public FileOptions Options { get; }

    public void Dispose() => _writeLock.Dispose();

    public string BlobDirectory { get; }

    /// <summary>Goes up after every change to this node's files or replicas (after the change is committed), so a listing built from an older version is known to be out of date.</summary>
    public long Version => Interlocked.Read(ref _version);

    public string TempDirectory { get; }

    /// <summary>Raised after a file is stored or replaced (for announcing it to peers).</summary>
    public event Action<StoredFile>? Stored;

    /// <summary>Raised after a file is deleted.</summary>
    public event Action<string>? Removed;

    public sealed class TooLargeException(long limit) : Exception($"the file is larger than the limit of {limit} bytes (Files:MaxUploadBytes)")
    {
        public long Limit { get; } = limit;
    }

    /// <summary>Stores <paramref name="content"/> under <paramref name="name"/> (already checked by <see cref="FileNames"/>), replacing any file of that name.</summary>
    /// <exception cref="TooLargeException">More than <see cref="FileOptions.MaxUploadBytes"/> bytes; nothing is kept.</exception>
    public async Task<StoredFile> SaveAsync(string name, string? contentType, Stream content, CancellationToken cancellationToken)
    {
        var blob = await ReceiveAsync(content, Options.MaxUploadBytes, () => new TooLargeException(Options.MaxUploadBytes), cancellationToken);
        var type = ContentTypeOf(name, contentType);
        var modified = _time.GetUtcNow();
        bool pinned;
        await _writeLock.WaitAsync(CancellationToken.None);
        try
        {
            await using var connection = await OpenAndCommitAsync(blob);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None);
            var replaced = await ScalarAsync(connection, "SELECT sha256 FROM files WHERE name = $name;", ("$name", name)) as string;
            pinned = await ScalarAsync(connection, """
                INSERT INTO files (name, sha256, size, content_type, modified) VALUES ($name, $sha, $size, $type, $modified)
                ON CONFLICT(name) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, content_type = excluded.content_type,
                    modified = excluded.modified
                RETURNING pinned;
                """, ("$name", name), ("$sha", blob.Sha256), ("$size", blob.Size), ("$type", type), ("$modified", Text(modified))) is long and not 0;
            await transaction.CommitAsync(CancellationToken.None);
            Interlocked.Increment(ref _version);
            if (replaced is not null && replaced != blob.Sha256)
            {
                await DeleteBlobIfUnreferencedAsync(connection, replaced);
            }
        }
        finally
        {
            _writeLock.Release();
        }

        var stored = new StoredFile(name, blob.Sha256, blob.Size, type, modified, pinned);
        LogStored(name, blob.Size, blob.Sha256[..12]);
        Stored?.Invoke(stored);
        return stored;
    }

    /// <summary>Marks this node's own file pinned (to be replicated to peers) or not; null when there is no such file.</summary>
    public async Task<StoredFile?> SetPinnedAsync(string name, bool pinned, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "UPDATE files SET pinned = $pinned WHERE name = $name;", ("$name", name), ("$pinned", pinned));
            Interlocked.Increment(ref _version);
        }
        finally
        {
            _writeLock.Release();
        }

        return await FindAsync(name, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            if (await ScalarAsync(connection, "SELECT sha256 FROM files WHERE name = $name;", ("$name", name)) is not string sha256)
            {
                return false;
            }

            await ExecuteAsync(connection, "DELETE FROM files WHERE name = $name;", ("$name", name));
            Interlocked.Increment(ref _version);
            await DeleteBlobIfUnreferencedAsync(connection, sha256);
        }
        finally
        {
            _writeLock.Release();
        }

        Removed?.Invoke(name);
        return true;
    }

    public async Task<StoredFile?> FindAsync(string name, CancellationToken cancellationToken) =>
        await QueryAsync("WHERE name = $name", cancellationToken, ("$name", name)) is [var file, ..] ? file : null;

    /// <summary>A blob this node holds, as its own file or as a replica (for <c>GET /mesh/files/{sha256}</c>).</summary>
    public async Task<StoredFile?> FindBySha256Async(string sha256, CancellationToken cancellationToken) =>
        await QueryAsync("WHERE sha256 = $sha LIMIT 1", cancellationToken, ("$sha", sha256)) is [var file, ..] ? file
        : await QueryReplicasAsync("WHERE sha256 = $sha LIMIT 1", cancellationToken, ("$sha", sha256)) is [var replica, ..]
            ? new StoredFile(replica.Name, replica.Sha256, replica.Size, replica.ContentType, replica.Modified, Pinned: true)
            : null;

    public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken) => QueryAsync("ORDER BY name", cancellationToken);

    public string BlobPath(string sha256) => Path.Combine(BlobDirectory, sha256);

    /// <summary>Removes temporary files left by uploads that never finished (a crash, a killed process).</summary>
    public void CleanTemporaryFiles()
    {
        if (!Directory.Exists(TempDirectory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(TempDirectory))
        {
            TryDelete(file);
        }
    }

    private async Task<IReadOnlyList<StoredFile>> QueryAsync(string clause, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name, sha256, size, content_type, modified, pinned FROM files {clause};";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<StoredFile>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new StoredFile(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), reader.GetBoolean(5)));
        }

        return list;
    }

    private async Task DeleteBlobIfUnreferencedAsync(SqliteConnection connection, string sha256)
    {
        if (await ScalarAsync(connection, "SELECT 1 FROM files WHERE sha256 = $sha UNION ALL SELECT 1 FROM replicas WHERE sha256 = $sha LIMIT 1;",
            ("$sha", sha256)) is null)
        {
            TryDelete(BlobPath(sha256));
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static string ContentTypeOf(string name, string? declared) =>
        s_types.TryGetContentType(name, out var type) ? type
        : declared is { Length: > 0 and <= 200 } && !declared.Contains('\n', StringComparison.Ordinal) ? declared
        : "application/octet-stream";

    private static string Text(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next clean-up.
        }
        catch (UnauthorizedAccessException)
        {
            // Left for the next clean-up.
        }
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Stored file '{Name}' ({Size} bytes, sha256 {Sha256})")]
    private partial void LogStored(string name, long size, string sha256);
}
