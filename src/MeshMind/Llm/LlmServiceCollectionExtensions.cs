using MeshMind.Llm.Local;
using MeshMind.Llm.Models;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.OpenAi;
using MeshMind.Llm.Peers;
using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Routing;
using MeshMind.Llm.Scheduling;
using MeshMind.Mesh;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm;

internal static class LlmServiceCollectionExtensions
{
    /// <summary>
    /// The LLM pipeline: front-ends (OpenAI, Ollama) → router (rank, fail over) → backends (local Ollama or OpenAI-compatible
    /// server, peers), with its stages (metrics, host health, the local LLM's averages); the local LLM's probe; capability on the links.
    /// </summary>
    public static IServiceCollection AddLlm(this IServiceCollection services)
    {
        services.AddLlmOptions();
        services.TryAddSingleton<LlmMetrics>();
        services.TryAddSingleton<LocalLlm>();
        services.TryAddSingleton<HostHealth>();
        services.TryAddSingleton<PeerLlms>();
        services.TryAddSingleton<LlmHosts>();
        services.TryAddSingleton<IHostSlots, HostSlots>();
        services.TryAddSingleton<LlmScheduler>();
        services.TryAddSingleton<LlmRouter>();
        services.TryAddSingleton<ModelNodes>();
        services.AddSingleton<IAnswerObserver>(provider => provider.GetRequiredService<LlmMetrics>());
        services.AddSingleton<IAnswerObserver>(provider => provider.GetRequiredService<HostHealth>());
        services.AddSingleton<IAnswerObserver>(provider => provider.GetRequiredService<LocalLlm>());
        services.AddSingleton<IAnswerObserver>(provider => provider.GetRequiredService<LlmScheduler>());
        services.AddMeshParticipant<LlmLinkSync>(LlmLinkJsonContext.MessageTypes);
        services.AddHostedService(provider => provider.GetRequiredService<LlmLinkSync>());
        services.AddHostedService<LlmProbe>();
        services.AddModelCopy();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Add(ModelsJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Add(ModelsWireJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Add(OpenAiJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Add(OllamaJsonContext.Default);
        });
        return services;
    }

    internal static IServiceCollection AddLlmOptions(this IServiceCollection services)
    {
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>());
        return services;
    }

    /// <summary>The mesh's models through OpenAI's <c>/v1</c>, Ollama's API (<c>/ollama</c> and the root), and <c>/api/models</c>.</summary>
    public static IEndpointRouteBuilder MapLlmApis(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapModelsApi();
        endpoints.MapOllamaApi();
        endpoints.MapOpenAiApi();
        endpoints.MapModelCopyApi();
        return endpoints;
    }
}
