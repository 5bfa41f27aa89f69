using System.Net;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Peers;

namespace MeshMind.Mesh;

/// <summary>
/// At start, after the migrations: loads the admitted and revoked peers and the added static peers, generates the mesh secret
/// on first start (saying where), and reads a rotation's schedule (dropping secrets whose grace period ended while the node was stopped).
/// </summary>
internal sealed class MeshStartup(MeshKeys meshKeys, PeerStore peerStore, PeerDirectory peers, StaticPeers statics, SecretRotation rotation) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        peers.LoadAdmitted(await peerStore.AdmittedAsync(cancellationToken));
        foreach (var revoked in await peerStore.RevokedAsync(cancellationToken))
        {
            peers.RememberRevoked(revoked.NodeId, revoked.Name, IPAddress.TryParse(revoked.LastAddress, out var address) ? address : null,
                revoked.FirstSeen, revoked.LastSeen);
        }

        await statics.LoadAsync(cancellationToken);
        _ = meshKeys.Current;
        await rotation.LoadAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
