using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Invites;
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
        services.TryAddSingleton<ILinkDialer>(provider => provider.GetRequiredService<MeshDialer>());
        services.TryAddSingleton<MeshLinks>();
        services.TryAddSingleton(provider => new LinkCodec(provider.GetServices<ParticipantMessage>().Select(m => m.Message)));
        services.TryAddSingleton<LinkManager>();
        services.TryAddSingleton<PeerHttpClients>();
        services.AddHostedService<MeshStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<LinkManager>());
        services.TryAddSingleton<ConnectionProver>();
        services.TryAddSingleton<StaticPeerStore>();
        services.AddSecretsAndInvites();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(MeshApiJsonContext.Default));
        // The admitter is made at the first mesh connection, not when Kestrel is configured (before the node has started).
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<MeshOptions>, NodeIdentity, MeshConnectionGate, IServiceProvider>(
            (kestrel, mesh, identity, gate, provider) => MeshPort.Listen(kestrel, mesh.Value, identity, gate, provider.GetRequiredService<Admitter>,
                provider.GetRequiredService<InviteService>));
        return services;
    }

    /// <summary>Secret rotation (a participant of the mesh, and the timer that ends a grace period), invites and joining by invite.</summary>
    private static IServiceCollection AddSecretsAndInvites(this IServiceCollection services)
    {
        services.TryAddSingleton<SecretScheduleStore>();
        services.AddMeshParticipant<SecretRotation>(
            LinkMessageType.Of<SecretRotationMessage>("secret_rotate", SecretJsonContext.Default),
            LinkMessageType.Of<SecretProofMessage>("secret_proof", SecretJsonContext.Default));
        services.AddHostedService(provider => provider.GetRequiredService<SecretRotation>());
        services.TryAddSingleton<InviteStore>();
        services.TryAddSingleton<InviteService>();
        services.TryAddSingleton<InviteRedeemer>();
        services.TryAddSingleton<MeshJoin>();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Add(InviteJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Add(SecretApiJsonContext.Default);
        });
        return services;
    }

    internal static IServiceCollection AddMeshOptions(this IServiceCollection services)
    {
        services.AddOptions<MeshOptions>().BindConfiguration(MeshOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MeshOptions>, MeshOptionsValidator>());
        return services;
    }
}
