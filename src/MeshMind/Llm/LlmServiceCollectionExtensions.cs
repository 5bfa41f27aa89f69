using MeshMind.Mesh;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm;

public static class LlmServiceCollectionExtensions
{
    /// <summary>The local LLM and its probe, capability on the links, and the router.</summary>
    public static IServiceCollection AddLlm(this IServiceCollection services)
    {
        services.AddLlmOptions();
        services.TryAddSingleton<LlmMetrics>();
        services.TryAddSingleton<LocalLlm>();
        services.TryAddSingleton<PeerLlms>();
        services.TryAddSingleton<LlmRouter>();
        services.AddMeshParticipant<LlmLinkSync>(LlmLinkJsonContext.MessageTypes);
        services.AddHostedService(provider => provider.GetRequiredService<LlmLinkSync>());
        services.AddHostedService<LlmProbe>();
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
        return endpoints;
    }
}
