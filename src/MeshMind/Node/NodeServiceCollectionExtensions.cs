using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Node;

internal static class NodeServiceCollectionExtensions
{
    /// <summary>Who this node is: its options, data directory, identity (<c>node.pfx</c>), name and version.</summary>
    public static IServiceCollection AddNode(this IServiceCollection services)
    {
        services.AddNodeOptions();
        services.TryAddSingleton<DataDirectory>();
        services.TryAddSingleton<NodeIdentity>();
        services.TryAddSingleton<NodeInfo>();
        services.AddHostedService<NodeIdentityStartup>();
        return services;
    }

    internal static IServiceCollection AddNodeOptions(this IServiceCollection services)
    {
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>());
        return services;
    }
}
