using MeshMind.Discovery;
using MeshMind.Hosting;
using MeshMind.Mesh.Links;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Mesh;

public static class MeshServiceCollectionExtensions
{
    /// <summary>Mesh keys, the peer directory, UDP discovery, the mutual-TLS mesh port and peer links.</summary>
    public static IServiceCollection AddMesh(this IServiceCollection services)
    {
        services.TryAddSingleton<MeshKeys>();
        services.TryAddSingleton<PeerDirectory>();
        services.TryAddSingleton<PeerStore>();
        services.TryAddSingleton<DuplicateIdentity>();
        services.TryAddSingleton<DiscoveryStats>();
        services.TryAddSingleton<DiscoveryService>();
        services.TryAddSingleton<BoundEndpoints>();
        services.TryAddSingleton<MeshConnectionGate>();
        services.TryAddSingleton<Admission>();
        services.TryAddSingleton<MeshDialer>();
        services.TryAddSingleton<LinkManager>();
        services.AddHostedService(provider => provider.GetRequiredService<DiscoveryService>());
        services.AddHostedService(provider => provider.GetRequiredService<LinkManager>());
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<MeshOptions>, NodeIdentity, MeshConnectionGate>(
            (kestrel, mesh, identity, gate) => MeshPort.Listen(kestrel, mesh.Value, identity, gate));
        return services;
    }
}
