using MeshMind.Auth;
using MeshMind.Mesh;
using MeshMind.Node;
using MeshMind.Storage;

namespace MeshMind.Hosting;

/// <summary>
/// Prepares the data directory before the server accepts a request: schema migrations, node identity, session
/// keys, and a login (generated and shown once if none is configured).
/// </summary>
/// <remarks>Runs in <see cref="StartingAsync"/>, which completes before any hosted service starts, the web server included.</remarks>
public sealed class NodeStartup(
    Database database, NodeInfo node, SessionTokens sessions, UserStore users, NodeConsole console,
    MeshKeys meshKeys, PeerStore peerStore, PeerDirectory peers) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(Migrations.All, cancellationToken);
        await sessions.LoadRevokedAsync(cancellationToken);
        if (await users.EnsureLoginAsync(cancellationToken) is { } password)
        {
            console.WriteLine($"meshmind: generated a login for user '{users.Username}' with password: {password}");
            console.WriteLine("meshmind: this password is shown only once; set NODE_PASSWORD or auth_secret.txt to choose your own.");
        }

        peers.LoadAdmitted(await peerStore.AdmittedAsync(cancellationToken));
        foreach (var revoked in await peerStore.RevokedAsync(cancellationToken))
        {
            peers.Revoke(revoked);
        }

        // Generates the mesh secret on first start (and says where), before anything could use it.
        _ = meshKeys.Current;

        // Resolving NodeInfo here creates the identity (node.pfx) and starts the uptime clock.
        _ = node.NodeId;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
