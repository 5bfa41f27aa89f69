using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MeshMind.Telemetry;

/// <summary>The meter provider behind <c>/metrics</c> when no OTLP exporter is configured, built at the first scrape.</summary>
internal sealed class ScrapeMeterProvider : IDisposable
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
    private static MeterProvider Build() => TelemetryServiceCollectionExtensions.AddMeters(
            OpenTelemetry.Sdk.CreateMeterProviderBuilder().ConfigureResource(resource => resource.AddService("meshmind", serviceVersion: MeshMind.Node.NodeInfo.Version)))
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
