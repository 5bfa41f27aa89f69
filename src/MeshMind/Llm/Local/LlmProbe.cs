using MeshMind.Infrastructure;
using MeshMind.Llm.Peers;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Local;

/// <summary>Probes the local Ollama every <see cref="LlmOptions.ProbeInterval"/> (DESIGN §6).</summary>
internal sealed partial class LlmProbe(LocalLlm local, LlmLinkSync sync, IOptions<LlmOptions> options, IHostApplicationLifetime lifetime, TimeProvider time,
    ILogger<LlmProbe> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitForStartAsync(stoppingToken);
            bool? had = null;
            using var timer = new PeriodicTimer(options.Value.ProbeInterval, time);
            do
            {
                var capability = await local.ProbeAsync(stoppingToken);
                sync.PublishIfChanged();
                if (capability.HasLlm != had)
                {
                    had = capability.HasLlm;
                    if (capability.HasLlm)
                    {
                        var names = string.Join(", ", capability.Models.Select(m => m.Name));
                        LogFound(options.Value.BackendUrl, names);
                    }
                    else
                    {
                        LogNone(options.Value.BackendUrl);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Local LLM at {Url} serves: {Models}")]
    private partial void LogFound(string url, string models);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "No local LLM at {Url}; chats go to peers")]
    private partial void LogNone(string url);
}
