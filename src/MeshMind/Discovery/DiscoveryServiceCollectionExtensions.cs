using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Discovery;

internal static class DiscoveryServiceCollectionExtensions
{
    /// <summary>UDP discovery: signed announcements out, other nodes' announcements in (hints that lead to a dial), and its counters.</summary>
    public static IServiceCollection AddDiscovery(this IServiceCollection services)
    {
        services.AddDiscoveryOptions();
        services.TryAddSingleton<DiscoveryStats>();
        services.TryAddSingleton<DiscoveryActivity>();
        services.TryAddSingleton<DiscoveryAdvert>();
        services.TryAddSingleton<DiscoveryService>();
        services.AddHostedService(provider => provider.GetRequiredService<DiscoveryService>());
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(DiscoveryApiJsonContext.Default));
        return services;
    }

    internal static IServiceCollection AddDiscoveryOptions(this IServiceCollection services)
    {
        services.AddOptions<DiscoveryOptions>().BindConfiguration(DiscoveryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscoveryOptions>, DiscoveryOptionsValidator>());
        return services;
    }
}
