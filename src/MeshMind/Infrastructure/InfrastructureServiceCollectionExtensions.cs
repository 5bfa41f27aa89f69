using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Infrastructure;

internal static class InfrastructureServiceCollectionExtensions
{
    /// <summary>
    /// The clock, the meter factory, the ports the server bound, the metrics shared by several features (calls out, traffic),
    /// and the trim that gives a burst's memory back once the node is quiet.
    /// </summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BoundEndpoints>();
        services.TryAddSingleton<TrafficMetrics>();
        services.TryAddSingleton<OutboundCallMetrics>();
        services.TryAddSingleton<Blocks.BlockListCache>();
        services.AddHostedService<MemoryTrim>();
        return services;
    }
}
