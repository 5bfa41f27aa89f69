using MeshMind.Llm;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Files;

public static class FilesServiceCollectionExtensions
{
    /// <summary>The content-addressed file store; chats read attached files from it.</summary>
    public static IServiceCollection AddFiles(this IServiceCollection services)
    {
        services.TryAddSingleton<FileStore>();
        services.TryAddSingleton<PeerFiles>();
        services.TryAddSingleton<FileListing>();
        services.AddHostedService(provider => provider.GetRequiredService<PeerFiles>());
        services.TryAddSingleton<Replication>();
        services.AddHostedService(provider => provider.GetRequiredService<Replication>());
        services.TryAddSingleton<IChatFileSource, StoredChatFiles>();
        services.AddHostedService<FileStoreCleanup>();
        return services;
    }
}

/// <summary>
/// Chat attachments: this node's file of that name, else a replica it holds, else a live peer's file or replica (fetched
/// over the mesh and hash-checked).
/// </summary>
public sealed class StoredChatFiles(FileStore store, PeerFiles peers) : IChatFileSource
{
    public async Task<byte[]?> ReadAsync(string fileName, CancellationToken cancellationToken)
    {
        if (FileNames.Check(fileName).Name is not { } name)
        {
            return null;
        }

        var sha256 = (await store.FindAsync(name, cancellationToken))?.Sha256 ?? (await store.FindReplicaByNameAsync(name, cancellationToken))?.Sha256;
        if (sha256 is not null)
        {
            await using var stream = File.OpenRead(store.BlobPath(sha256));
            var buffer = new byte[(int)Math.Min(stream.Length, ChatFiles.MaxFileBytes)];
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            return buffer;
        }

        // Peers' own files first, then replicas they hold for a node that may be offline.
        var candidates = (await peers.ListAsync(cancellationToken))
            .SelectMany(p => p.Files.Where(f => f.Name == name && f.Size <= ChatFiles.MaxFileBytes).Select(f => (p.Peer, File: f)))
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

/// <summary>Deletes what uploads interrupted by a crash left in the temporary folder, when the node starts.</summary>
public sealed class FileStoreCleanup(FileStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.CleanTemporaryFiles();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
