using MeshMind.Files.Store;

namespace MeshMind.Files.Peers;

/// <summary>
/// A file by name from anywhere in the mesh (chat attachments): this node's file of that name, else a replica it holds,
/// else a live peer's file or replica (fetched over the mesh and hash-checked).
/// </summary>
internal sealed class MeshFileReader(FileStore store, PeerFiles peers)
{
    /// <summary>The file's bytes (at most <paramref name="maxBytes"/>), or null when no reachable node has a file of that name.</summary>
    public async Task<byte[]?> ReadAsync(string fileName, int maxBytes, CancellationToken cancellationToken)
    {
        if (FileNames.Check(fileName).Name is not { } name)
        {
            return null;
        }

        var sha256 = (await store.FindAsync(name, cancellationToken))?.Sha256 ?? (await store.FindReplicaByNameAsync(name, cancellationToken))?.Sha256;
        if (sha256 is not null)
        {
            await using var stream = File.OpenRead(store.BlobPath(sha256));
            var buffer = new byte[(int)Math.Min(stream.Length, maxBytes)];
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            return buffer;
        }

        // Peers' own files first, then replicas they hold for a node that may be offline.
        var candidates = (await peers.ListAsync(cancellationToken))
            .SelectMany(p => p.Files.Where(f => f.Name == name && f.Size <= maxBytes).Select(f => (p.Peer, File: f)))
            .OrderBy(c => c.File.Origin is null ? 0 : 1);
        foreach (var (peer, shared) in candidates)
        {
            try
            {
                var bytes = await peers.Client(peer).GetByteArrayAsync("/mesh/files/" + shared.Id, cancellationToken);
                if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) == shared.Id)
                {
                    return bytes;
                }
            }
            catch (HttpRequestException)
            {
                // Try the next peer that has it.
            }
        }

        return null;
    }
}
