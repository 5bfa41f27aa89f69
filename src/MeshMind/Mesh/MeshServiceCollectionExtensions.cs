using MeshMind.Mesh.Links;
using MeshMind.Node;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh;

public static class MeshServiceCollectionExtensions
{
    /// <summary>Mesh keys, admission and pinning, the peer directory, the mutual-TLS mesh port and the links to peers.</summary>
    public static IServiceCollection AddMesh(this IServiceCollection services)
    {
        services.AddMeshOptions();
        services.TryAddSingleton<MeshKeys>();
        services.TryAddSingleton<PeerDirectory>();
        services.TryAddSingleton<MeshMetrics>();
        services.TryAddSingleton<PeerStore>();
        services.TryAddSingleton<DuplicateIdentity>();
        services.TryAddSingleton<MeshConnectionGate>();
        services.TryAddSingleton<Admission>();
        services.TryAddSingleton<MeshDialer>();
        services.TryAddSingleton<LinkManager>();
        services.AddHostedService<MeshStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<LinkManager>());
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<MeshOptions>, NodeIdentity, MeshConnectionGate>(
            (kestrel, mesh, identity, gate) => MeshPort.Listen(kestrel, mesh.Value, identity, gate));
        return services;
    }

    internal static IServiceCollection AddMeshOptions(this IServiceCollection services)
    {
        services.AddOptions<MeshOptions>().BindConfiguration(MeshOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MeshOptions>, MeshOptionsValidator>());
        return services;
    }
}
