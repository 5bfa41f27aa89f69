using MeshMind.Diagnostics.ReachBack;
using MeshMind.Diagnostics.Resources;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Diagnostics;

internal static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>The doctor (<c>/api/diagnostics</c>), both sides of the reach-back test, and the process figures (<c>/api/resources</c>).</summary>
    public static IServiceCollection AddDiagnostics(this IServiceCollection services)
    {
        services.TryAddSingleton<Doctor>();
        services.TryAddSingleton<ReachBackTest>();
        services.TryAddSingleton<ReachBackResponder>();
        services.TryAddSingleton<ResourceMeter>();
        services.TryAddSingleton<ResourceReader>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(DiagnosticsJsonContext.Default));
        return services;
    }
}
