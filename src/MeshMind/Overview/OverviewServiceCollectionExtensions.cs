namespace MeshMind.Overview;

/// <summary>Read-only views that join several features: the node's status and the list of peers.</summary>
internal static class OverviewServiceCollectionExtensions
{
    public static IServiceCollection AddOverview(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(OverviewJsonContext.Default));

    public static IEndpointRouteBuilder MapOverview(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapStatusApi().MapPeersApi();
}
