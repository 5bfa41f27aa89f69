using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Analytics;

internal static class AnalyticsServiceCollectionExtensions
{
    /// <summary>Analytics: the recorder, its minute buckets in SQLite, the history that reads them, and the flusher.</summary>
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddAnalyticsOptions();
        services.TryAddSingleton<AnalyticsRecorder>();
        services.TryAddSingleton<AnalyticsCollector>();
        services.TryAddSingleton<AnalyticsStore>();
        services.TryAddSingleton<AnalyticsHistory>();
        services.AddHostedService<AnalyticsFlusher>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(AnalyticsJsonContext.Default));
        return services;
    }

    internal static IServiceCollection AddAnalyticsOptions(this IServiceCollection services)
    {
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnalyticsOptions>, AnalyticsOptionsValidator>());
        return services;
    }

    /// <summary>Per-route analytics first, so everything after it is measured.</summary>
    public static WebApplication UseAnalytics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AnalyticsOptions>>().Value.MeasureRequests)
        {
            app.UseMiddleware<PerfMiddleware>();
        }

        return app;
    }

    /// <summary><c>/api/analytics/*</c>.</summary>
    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAnalyticsApi();
        return endpoints;
    }
}
