using MeshMind.Files.Api;
using MeshMind.Files.Peers;
using MeshMind.Files.Pinning;
using MeshMind.Files.Store;
using MeshMind.Mesh;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Files;

internal static class FilesServiceCollectionExtensions
{
    /// <summary>The content-addressed file store, peers' file lists, replication of pinned files, and reading a file from anywhere in the mesh.</summary>
    public static IServiceCollection AddFiles(this IServiceCollection services)
    {
        services.AddFileOptions();
        services.TryAddSingleton<FileStore>();
        services.TryAddSingleton<FileMetrics>();
        services.AddMeshParticipant<PeerFiles>(FileLinkJsonContext.ListTypes);
        services.TryAddSingleton<FileListing>();
        services.AddHostedService(provider => provider.GetRequiredService<PeerFiles>());
        services.AddMeshParticipant<Replication>(FileLinkJsonContext.PinTypes);
        services.AddHostedService(provider => provider.GetRequiredService<Replication>());
        services.TryAddSingleton<MeshFileReader>();
        services.AddHostedService<FileStoreCleanup>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(FileJsonContext.Default));
        return services;
    }

    internal static IServiceCollection AddFileOptions(this IServiceCollection services)
    {
        services.AddOptions<FileOptions>().BindConfiguration(FileOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileOptions>, FileOptionsValidator>());
        return services;
    }
}
