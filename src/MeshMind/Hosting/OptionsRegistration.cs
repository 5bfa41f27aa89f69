using MeshMind.Auth;
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
        services.Add<NodeOptions, NodeOptionsValidator>(NodeOptions.Section);
        services.Add<HttpOptions, HttpOptionsValidator>(HttpOptions.Section);
        services.Add<MeshOptions, MeshOptionsValidator>(MeshOptions.Section);
        services.Add<DiscoveryOptions, DiscoveryOptionsValidator>(DiscoveryOptions.Section);
        services.Add<LlmOptions, LlmOptionsValidator>(LlmOptions.Section);
        services.Add<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        return services;
    }

    private static void Add<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
