using System.Globalization;
using MeshMind.Infrastructure;
using MeshMind.Node;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MeshMind.Telemetry;

/// <summary>
/// What operators' tools see: console logs (one line or one JSON object each, repeats debounced), <c>/metrics</c>
/// (Prometheus), OTLP export of traces and metrics when configured, W3C trace context across a delegated chat, and the
/// health probes <c>/healthz</c> and <c>/readyz</c>. Reads every feature's meter (named <c>MeshMind…</c>); knows no feature.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The name of the ActivitySource for MeshMind's own spans.</summary>
    public const string ActivitySourceName = "MeshMind";

    /// <summary>Every meter MeshMind's features create is named with this prefix (e.g. <c>MeshMind.Llm</c>).</summary>
    public const string MeterPrefix = "MeshMind";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTelemetryOptions();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(TelemetryJsonContext.Default));
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

    internal static IServiceCollection AddTelemetryOptions(this IServiceCollection services)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        return services;
    }

    /// <summary>One line per entry (or one JSON object per line with Telemetry:LogFormat=json), repeated lines debounced.</summary>
    public static ILoggingBuilder AddTelemetryConsole(this ILoggingBuilder logging, IConfiguration configuration)
    {
        if (string.Equals(configuration["Telemetry:LogFormat"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json => json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
            // Under systemd the host switches the console to journald's format (priority prefixes, no timestamp); JSON asked
            // for stays JSON. With the simple format, journald's is the better one there, so that switch is kept.
            logging.Services.PostConfigure<ConsoleLoggerOptions>(console => console.FormatterName = ConsoleFormatterNames.Json);
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
        }

        // The generic host logs a failed start as an error with the whole stack trace ("Hosting failed to start"), and the node
        // then reports the same failure as one "meshmind: error:" line addressed to the operator (NodeHost). Its other errors
        // need no second copy either: a faulted BackgroundService is also logged as Critical, with its exception, which stays.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level is < LogLevel.Error or >= LogLevel.Critical);

        var debounce = Debounce(configuration);
        var services = logging.Services;
        var console = services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        services.Remove(console);
        services.AddSingleton<ILoggerProvider>(provider => new DebouncingLoggerProvider(
            new ConsoleLoggerProvider(provider.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), provider.GetServices<ConsoleFormatter>()),
            debounce,
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        return logging;
    }

    /// <summary>
    /// With <c>Telemetry:LogFile</c> set (<c>--log-file</c>), the same entries also go to that file, rotated by size
    /// (<c>Telemetry:LogFileMaxBytes</c> × <c>Telemetry:LogFileCount</c> at most), repeats debounced as on the console.
    /// </summary>
    /// <remarks>
    /// The file is opened when the node's loggers are created, at start: a path that cannot be written stops the node with
    /// a line naming <c>Telemetry:LogFile</c>, as a bad option does.
    /// </remarks>
    public static ILoggingBuilder AddTelemetryFile(this ILoggingBuilder logging, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.LogFile)}"]))
        {
            return logging;
        }

        var debounce = Debounce(configuration);
        logging.Services.AddSingleton<ILoggerProvider>(provider =>
        {
            // Validated here (the options' validator throws naming the setting): the file must not be opened with bad limits.
            var options = provider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            RollingLogFile file;
            try
            {
                file = new RollingLogFile(options.LogFile, options.LogFileMaxBytes, options.LogFileCount);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OptionsValidationException(TelemetryOptions.Section, typeof(TelemetryOptions),
                    [Settings.Invalid("Telemetry:LogFile", $"cannot write {options.LogFile}: {ex.Message.TrimEnd('.')}")]);
            }

            var time = provider.GetService<TimeProvider>() ?? TimeProvider.System;
            return new DebouncingLoggerProvider(new FileLoggerProvider(file, time), debounce, time);
        });
        return logging;
    }

    private static TimeSpan Debounce(IConfiguration configuration) =>
        TimeSpan.TryParse(configuration["Telemetry:LogDebounce"], CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : new TelemetryOptions().LogDebounce;

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
            .ConfigureResource(resource => resource.AddService("meshmind", serviceVersion: NodeInfo.Version))
            .WithMetrics(metrics => AddMeters(metrics).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0).AddOtlpExporter(o => Otlp(o, "metrics")))
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore", "System.Net.Http", ActivitySourceName)
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddOtlpExporter(o => Otlp(o, "traces")));
    }

    /// <summary>What <c>/metrics</c> and OTLP carry: MeshMind's own, ASP.NET Core's, Kestrel's, HttpClient's, and the runtime's (GC, JIT, threads, process CPU and memory).</summary>
    internal static MeterProviderBuilder AddMeters(MeterProviderBuilder metrics) =>
        metrics.AddMeter(MeterPrefix, MeterPrefix + ".*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime");

    /// <summary><c>/metrics</c> (session or key unless Telemetry:AnonymousMetrics), <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness).</summary>
    public static IEndpointRouteBuilder MapTelemetry(this IEndpointRouteBuilder endpoints)
    {
        // Built at the first scrape: a node nobody scrapes never starts the OpenTelemetry SDK.
        var scrape = new Lazy<RequestDelegate>(() =>
        {
            var provider = endpoints.ServiceProvider.GetService<MeterProvider>() ?? endpoints.ServiceProvider.GetRequiredService<ScrapeMeterProvider>().Provider;
            return endpoints.CreateApplicationBuilder()
                .UseOpenTelemetryPrometheusScrapingEndpoint(provider, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null)
                .Build();
        });
        var metrics = endpoints.MapGet("/metrics", context => scrape.Value(context)).ExcludeFromDescription();
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.AnonymousMetrics)
        {
            metrics.AllowAnonymous();
        }

        endpoints.MapGet("/healthz", () => TypedResults.Json(new HealthResponse("ok"), TelemetryJsonContext.Default.HealthResponse))
            .AllowAnonymous().Produces<HealthResponse>();
        endpoints.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        return endpoints;
    }
}
