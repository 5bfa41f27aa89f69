using MeshMind.Llm;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Files;

public static class FilesServiceCollectionExtensions
{
    /// <summary>The content-addressed file store; chats read attached files from it.</summary>
    public static IServiceCollection AddFiles(this IServiceCollection services)
    {
        services.TryAddSingleton<FileStore>();
        services.TryAddSingleton<IChatFileSource, StoredChatFiles>();
        services.AddHostedService<FileStoreCleanup>();
        return services;
    }
}

/// <summary>Chat attachments come from the file store (peers' and replicated files join when the mesh side lands).</summary>
public sealed class StoredChatFiles(FileStore store) : IChatFileSource
{
    public async Task<byte[]?> ReadAsync(string fileName, CancellationToken cancellationToken)
    {
        if (FileNames.Check(fileName).Name is not { } name || await store.FindAsync(name, cancellationToken) is not { } file)
        {
            return null;
        }

        await using var stream = File.OpenRead(store.BlobPath(file.Sha256));
        var buffer = new byte[(int)Math.Min(stream.Length, ChatFiles.MaxFileBytes)];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
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
