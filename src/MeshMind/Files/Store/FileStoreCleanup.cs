namespace MeshMind.Files.Store;

/// <summary>Deletes what uploads interrupted by a crash left in the temporary folder, when the node starts.</summary>
internal sealed class FileStoreCleanup(FileStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.CleanTemporaryFiles();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
