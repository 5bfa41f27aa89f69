using MeshMind.Auth;
using MeshMind.Conversations;
using MeshMind.Discovery;
using MeshMind.Llm;
using MeshMind.Mesh;
using MeshMind.Node;
using MeshMind.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary>Binds every options class to its section and validates it when the node starts.</summary>
public static class OptionsRegistration
{
    public static IServiceCollection AddNodeOptions(this IServiceCollection services)
    {
        // One explicit call per type: the configuration binding source generator cannot see through generic helpers.
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section).ValidateOnStart();
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateOnStart();
        services.AddOptions<MeshOptions>().BindConfiguration(MeshOptions.Section).ValidateOnStart();
        services.AddOptions<DiscoveryOptions>().BindConfiguration(DiscoveryOptions.Section).ValidateOnStart();
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section).ValidateOnStart();
        services.AddOptions<Files.FileOptions>().BindConfiguration(Files.FileOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(
        [
            ServiceDescriptor.Singleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>(),
            ServiceDescriptor.Singleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>(),
            ServiceDescriptor.Singleton<IValidateOptions<MeshOptions>, MeshOptionsValidator>(),
            ServiceDescriptor.Singleton<IValidateOptions<DiscoveryOptions>, DiscoveryOptionsValidator>(),
            ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>(),
            ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>(),
            ServiceDescriptor.Singleton<IValidateOptions<Files.FileOptions>, Files.FileOptionsValidator>(),
        ]);
        return services;
    }
}
