using MeshMind.Diagnostics.ReachBack;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Diagnostics;

internal static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>The doctor (<c>/api/diagnostics</c>) and both sides of the reach-back test.</summary>
    public static IServiceCollection AddDiagnostics(this IServiceCollection services)
    {
        services.TryAddSingleton<Doctor>();
        services.TryAddSingleton<ReachBackTest>();
        services.TryAddSingleton<ReachBackResponder>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(DiagnosticsJsonContext.Default));
        return services;
    }
}
