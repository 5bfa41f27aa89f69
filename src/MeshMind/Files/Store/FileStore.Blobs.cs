using System.Security.Cryptography;
using MeshMind.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MeshMind.Files.Store;

internal sealed partial class FileStore
{
    private const int ReceiveBufferSize = 256 * 1024;

    /// <summary>Bytes written to a temporary file and hashed, not yet in the blob folder.</summary>
    private sealed record ReceivedBlob(string Temp, string Sha256, long Size);

    /// <summary>A replica's bytes did not hash to (or were not as long as) what its origin announced; nothing is kept.</summary>
    public sealed class MismatchException(string message) : Exception(message);

    /// <summary>Streams <paramref name="content"/> to a temporary file while hashing it, and flushes it to disk.</summary>
    /// <exception cref="Exception">The one <paramref name="tooLarge"/> makes, after more than <paramref name="limit"/> bytes; nothing is kept.</exception>
    private async Task<ReceivedBlob> ReceiveAsync(Stream content, long limit, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        SecureFile.CreateOwnerOnlyDirectory(TempDirectory);
        SecureFile.CreateOwnerOnlyDirectory(BlobDirectory);
        var temp = Path.Combine(TempDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            long size = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            // Reads are large, so the file stream keeps no buffer of its own (no second copy).
            await using (var file = new FileStream(temp, SecureFile.CreateNewOptions(FileAccess.Write, bufferSize: 0, System.IO.FileOptions.Asynchronous)))
            {
                var buffer = new byte[ReceiveBufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > limit)
                    {
                        throw tooLarge();
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                file.Flush(flushToDisk: true);
            }

            return new ReceivedBlob(temp, Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Under the write lock: opens a connection and moves the blob into place (or drops the temporary copy when the blob
    /// is already there), so a concurrent delete of an unreferenced blob cannot remove it between the move and its row.
    /// </summary>
    private async Task<SqliteConnection> OpenAndCommitAsync(ReceivedBlob blob)
    {
        SqliteConnection? connection = null;
        try
        {
            connection = await _database.OpenAsync(CancellationToken.None);
            var path = BlobPath(blob.Sha256);
            if (File.Exists(path))
            {
                File.Delete(blob.Temp);
            }
            else
            {
                File.Move(blob.Temp, path);
            }

            return connection;
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            TryDelete(blob.Temp);
            throw;
        }
    }
}
