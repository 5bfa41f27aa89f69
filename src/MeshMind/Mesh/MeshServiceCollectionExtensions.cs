using MeshMind.Discovery;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Mesh;

public static class MeshServiceCollectionExtensions
{
    /// <summary>Mesh keys, the peer directory and UDP discovery.</summary>
    public static IServiceCollection AddMesh(this IServiceCollection services)
    {
        services.TryAddSingleton<MeshKeys>();
        services.TryAddSingleton<PeerDirectory>();
        services.TryAddSingleton<PeerStore>();
        services.TryAddSingleton<DuplicateIdentity>();
        services.TryAddSingleton<DiscoveryStats>();
        services.TryAddSingleton<DiscoveryService>();
        services.AddHostedService(provider => provider.GetRequiredService<DiscoveryService>());
        return services;
    }
}
