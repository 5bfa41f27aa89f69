using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh;

internal static class MeshServiceCollectionExtensions
{
    /// <summary>Mesh keys, admission and pinning, the peer directory, the mutual-TLS mesh port and the links to peers.</summary>
    public static IServiceCollection AddMesh(this IServiceCollection services)
    {
        services.AddMeshOptions();
        services.TryAddSingleton<MeshKeys>();
        services.TryAddSingleton<PeerDirectory>();
        services.TryAddSingleton<StaticPeers>();
        services.TryAddSingleton<MeshMetrics>();
        services.TryAddSingleton<PeerStore>();
        services.TryAddSingleton<DuplicateIdentity>();
        services.TryAddSingleton<MeshConnectionGate>();
        services.TryAddSingleton<Admitter>();
        services.TryAddSingleton<MeshDialer>();
        services.TryAddSingleton<MeshLinks>();
        services.TryAddSingleton(provider => new LinkCodec(provider.GetServices<ParticipantMessage>().Select(m => m.Message)));
        services.TryAddSingleton<LinkManager>();
        services.TryAddSingleton<PeerHttpClients>();
        services.AddHostedService<MeshStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<LinkManager>());
        services.TryAddSingleton<ConnectionProver>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(MeshApiJsonContext.Default));
        // The admitter is made at the first mesh connection, not when Kestrel is configured (before the node has started).
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<MeshOptions>, NodeIdentity, MeshConnectionGate, IServiceProvider>(
            (kestrel, mesh, identity, gate, provider) => MeshPort.Listen(kestrel, mesh.Value, identity, gate, provider.GetRequiredService<Admitter>));
        return services;
    }

    internal static IServiceCollection AddMeshOptions(this IServiceCollection services)
    {
        services.AddOptions<MeshOptions>().BindConfiguration(MeshOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MeshOptions>, MeshOptionsValidator>());
        return services;
    }
}
