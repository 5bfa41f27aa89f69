using MeshMind.Mesh;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Node;

public static class NodeServiceCollectionExtensions
{
    public static IServiceCollection AddNode(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NodeIdentity>();
        services.TryAddSingleton<NodeInfo>();
        return services;
    }
}
