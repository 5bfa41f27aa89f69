using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Infrastructure;

internal static class InfrastructureServiceCollectionExtensions
{
    /// <summary>The clock, the meter factory, the ports the server bound, and the metrics shared by several features (calls out, traffic).</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BoundEndpoints>();
        services.TryAddSingleton<TrafficMetrics>();
        services.TryAddSingleton<OutboundCallMetrics>();
        return services;
    }
}
