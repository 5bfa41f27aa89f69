using System.Diagnostics;

namespace MeshMind.Telemetry;

/// <summary>
/// Gives every incoming request and outgoing HTTP call an <see cref="Activity"/> that carries W3C trace
/// context but records nothing, so a chat delegated across the mesh keeps one trace id without the OpenTelemetry SDK.
/// </summary>
internal sealed class TracePropagation : IHostedService, IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "System.Net.Http" or TelemetryServiceCollectionExtensions.ActivitySourceName,
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
