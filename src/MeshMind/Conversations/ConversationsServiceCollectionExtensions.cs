using MeshMind.Conversations.Chat;
using MeshMind.Mesh;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Conversations;

internal static class ConversationsServiceCollectionExtensions
{
    /// <summary>Conversation memory: this node's history, the copies peers share over the links, and the seed's chat with memory.</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddConversationOptions();
        services.TryAddSingleton<ConversationStore>();
        services.TryAddSingleton<ConversationMetrics>();
        services.AddMeshParticipant<ConversationSync>(ConversationLinkJsonContext.MessageTypes);
        services.AddHostedService(provider => provider.GetRequiredService<ConversationSync>());
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Add(ConversationJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Add(ChatJsonContext.Default);
        });
        return services;
    }

    internal static IServiceCollection AddConversationOptions(this IServiceCollection services)
    {
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section).ValidateOnStart();
        return services;
    }

    /// <summary><c>POST /api/chat</c> (the seed's chat with memory and files) and the conversation history endpoints.</summary>
    public static IEndpointRouteBuilder MapConversations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapChatApi();
        endpoints.MapConversationsApi();
        return endpoints;
    }
}
