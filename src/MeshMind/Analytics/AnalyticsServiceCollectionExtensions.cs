using MeshMind.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MeshMind.Analytics;

public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>The name of the ActivitySource for MeshMind's own spans.</summary>
    public const string ActivitySourceName = "MeshMind";

    /// <summary>
    /// Analytics (recorder, history, flusher), health checks, and OpenTelemetry: metrics for <c>/metrics</c> (and OTLP when
    /// configured); traces always propagated (W3C traceparent across a delegated chat), exported only to OTLP.
    /// </summary>
    public static IServiceCollection AddAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateOnStart();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
        [
            ServiceDescriptor.Singleton<IValidateOptions<AnalyticsOptions>, AnalyticsOptionsValidator>(),
            ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, AnalyticsOptionsValidator>(),
        ]);
        services.TryAddSingleton<AnalyticsRecorder>();
        services.TryAddSingleton<AnalyticsStore>();
        services.TryAddSingleton<AnalyticsHistory>();
        services.AddHostedService<AnalyticsFlusher>();
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);

        // Read here, not from IOptions: the exporters are chosen while the container is built. Validated at start like the rest.
        var otlp = configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)}"];
        var otlpUri = Uri.TryCreate(otlp, UriKind.Absolute, out var parsed) ? parsed : null;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("meshmind", serviceVersion: Node.NodeInfo.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AnalyticsRecorder.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                        "System.Net.Http", "System.Runtime")
                    .AddPrometheusExporter();
                if (otlpUri is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlpUri);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource("Microsoft.AspNetCore", "System.Net.Http", ActivitySourceName);
                if (otlpUri is not null)
                {
                    tracing.SetSampler(new ParentBasedSampler(new AlwaysOnSampler())).AddOtlpExporter(o => o.Endpoint = otlpUri);
                }
                else
                {
                    // Nothing is recorded, but every request still gets trace ids and passes them on (traceparent).
                    tracing.SetSampler(new AlwaysOffSampler());
                }
            });
        return services;
    }

    /// <summary>Per-route analytics first, so everything after it is measured.</summary>
    public static WebApplication UseAnalytics(this WebApplication app)
    {
        app.UseMiddleware<PerfMiddleware>();
        return app;
    }

    /// <summary><c>/api/analytics/*</c>, <c>/metrics</c> (session or key unless Telemetry:AnonymousMetrics), <c>/healthz</c>, <c>/readyz</c>.</summary>
    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAnalyticsApi();
        var metrics = endpoints.MapPrometheusScrapingEndpoint("/metrics");
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.AnonymousMetrics)
        {
            metrics.AllowAnonymous();
        }

        endpoints.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        return endpoints;
    }
}

/// <summary>Ready when the node finished starting (database migrated, ports bound) and the database answers.</summary>
public sealed class ReadinessCheck(IHostApplicationLifetime lifetime, Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("starting");
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("stopping");
        }

        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database: " + ex.Message);
        }
    }
}
