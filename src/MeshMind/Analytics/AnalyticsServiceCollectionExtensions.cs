using MeshMind.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
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
        if (!Uri.TryCreate(otlp, UriKind.Absolute, out var otlpUri))
        {
            // No exporter: the OpenTelemetry SDK is not even registered (it costs memory and start-up time at every start);
            // /metrics builds its own meter provider at the first scrape, and trace context is created and passed on by a
            // bare listener.
            services.TryAddSingleton<ScrapeMeterProvider>();
            services.AddHostedService<TracePropagation>();
            return services;
        }

        AddOpenTelemetry(services, otlpUri, configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpProtocol)}"] == "http/protobuf");
        return services;
    }

    /// <summary>The OpenTelemetry SDK with OTLP export of traces and metrics (its own method, so a node without OTLP never loads it).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddOpenTelemetry(IServiceCollection services, Uri otlpUri, bool http)
    {
        void Otlp(OtlpExporterOptions o, string signal)
        {
            o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            // Over HTTP an endpoint set in code is used as is, so the signal's path is added here.
            o.Endpoint = http ? new Uri(otlpUri, otlpUri.AbsolutePath.TrimEnd('/') + "/v1/" + signal) : otlpUri;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("meshmind", serviceVersion: Node.NodeInfo.Version))
            .WithMetrics(metrics => AddMeters(metrics).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0).AddOtlpExporter(o => Otlp(o, "metrics")))
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore", "System.Net.Http", ActivitySourceName)
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddOtlpExporter(o => Otlp(o, "traces")));
    }

    /// <summary>What <c>/metrics</c> and OTLP carry: MeshMind's own, ASP.NET Core's, Kestrel's, HttpClient's, and the runtime's (GC, JIT, threads, process CPU and memory).</summary>
    internal static MeterProviderBuilder AddMeters(MeterProviderBuilder metrics) =>
        metrics.AddMeter(AnalyticsRecorder.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime");

    /// <summary>Per-route analytics first, so everything after it is measured.</summary>
    public static WebApplication UseAnalytics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AnalyticsOptions>>().Value.MeasureRequests)
        {
            app.UseMiddleware<PerfMiddleware>();
        }

        return app;
    }

    /// <summary><c>/api/analytics/*</c>, <c>/metrics</c> (session or key unless Telemetry:AnonymousMetrics), <c>/healthz</c>, <c>/readyz</c>.</summary>
    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAnalyticsApi();
        // Built at the first scrape: a node nobody scrapes never starts the OpenTelemetry SDK.
        var scrape = new Lazy<RequestDelegate>(() =>
        {
            var provider = endpoints.ServiceProvider.GetService<MeterProvider>() ?? endpoints.ServiceProvider.GetRequiredService<ScrapeMeterProvider>().Provider;
            return endpoints.CreateApplicationBuilder()
                .UseOpenTelemetryPrometheusScrapingEndpoint(provider, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null)
                .Build();
        });
        var metrics = endpoints.MapGet("/metrics", context => scrape.Value(context));
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

/// <summary>
/// Gives every incoming request and outgoing HTTP call an <see cref="System.Diagnostics.Activity"/> that carries W3C trace
/// context but records nothing, so a chat delegated across the mesh keeps one trace id without the OpenTelemetry SDK.
/// </summary>
public sealed class TracePropagation : IHostedService, IDisposable
{
    private readonly System.Diagnostics.ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "System.Net.Http" or AnalyticsServiceCollectionExtensions.ActivitySourceName,
        Sample = static (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.PropagationData,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        System.Diagnostics.ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}

/// <summary>The meter provider behind <c>/metrics</c> when no OTLP exporter is configured, built at the first scrape.</summary>
public sealed class ScrapeMeterProvider : IDisposable
{
    private readonly Lock _lock = new();

    // Typed as IDisposable so that loading this class does not load the OpenTelemetry assemblies.
#pragma warning disable CA1859 // on purpose, see above
    private IDisposable? _provider;
#pragma warning restore CA1859

    public MeterProvider Provider
    {
        get
        {
            lock (_lock)
            {
                return (MeterProvider)(_provider ??= Build());
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static MeterProvider Build() => AnalyticsServiceCollectionExtensions.AddMeters(
            OpenTelemetry.Sdk.CreateMeterProviderBuilder().ConfigureResource(resource => resource.AddService("meshmind", serviceVersion: Node.NodeInfo.Version)))
        .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)
        .Build();

    public void Dispose()
    {
        lock (_lock)
        {
            _provider?.Dispose();
        }
    }
}
