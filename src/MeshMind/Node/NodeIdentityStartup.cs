namespace MeshMind.Node;

/// <summary>
/// Before anything else starts: creates and locks the data directory (one node per directory) and makes it owner-only, then the node's identity
/// (<c>node.pfx</c>), and starts the uptime clock.
/// </summary>
internal sealed class NodeIdentityStartup(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var data = services.GetRequiredService<DataDirectory>();
        data.Lock();
        data.RestrictToOwner();
        _ = services.GetRequiredService<NodeInfo>().NodeId;
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
