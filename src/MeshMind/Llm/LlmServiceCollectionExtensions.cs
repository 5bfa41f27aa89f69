using MeshMind.Conversations;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Llm;

public static class LlmServiceCollectionExtensions
{
    /// <summary>The local LLM and its probe, capability on the links, the router, and conversation memory.</summary>
    public static IServiceCollection AddLlm(this IServiceCollection services)
    {
        services.TryAddSingleton<LocalLlm>();
        services.TryAddSingleton<PeerLlmClients>();
        services.TryAddSingleton<LlmRouter>();
        services.TryAddSingleton<LlmLinkSync>();
        services.TryAddSingleton<ConversationStore>();
        services.TryAddSingleton<ConversationSync>();
        services.AddHostedService(provider => provider.GetRequiredService<LlmLinkSync>());
        services.AddHostedService<LlmProbe>();
        services.AddHostedService(provider => provider.GetRequiredService<ConversationSync>());
        return services;
    }

    public static IEndpointRouteBuilder MapLlmApis(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapChatApi();
        endpoints.MapOllamaApi();
        endpoints.MapOpenAiApi();
        endpoints.MapConversationsApi();
        return endpoints;
    }
}
