using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Preferences;

internal static class PreferencesServiceCollectionExtensions
{
    /// <summary>Settings people change on the Settings screen, saved in the data directory for the next start (<c>/api/settings</c>).</summary>
    public static IServiceCollection AddPreferences(this IServiceCollection services)
    {
        services.TryAddSingleton<SavedSettings>();
        services.TryAddSingleton<SettingLayers>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(PreferencesJsonContext.Default));
        return services;
    }
}
