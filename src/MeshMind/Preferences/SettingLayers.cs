using Microsoft.Extensions.Configuration.Json;

namespace MeshMind.Preferences;

/// <summary>
/// Whether a configuration layer above <c>settings.json</c> (environment variables, the command line) sets a key, so that a
/// value saved on the Settings screen would not take effect: the screen says which flag or variable wins instead.
/// </summary>
internal sealed class SettingLayers(IConfiguration configuration)
{
    public bool SetAbove(string key)
    {
        var providers = Flatten(configuration).ToList();
        // Path is the file's name under its directory, or more of the path when the data directory did not exist yet at start.
        var saved = providers.FindLastIndex(p => p is JsonConfigurationProvider { Source.Path: { } path }
            && string.Equals(System.IO.Path.GetFileName(path), SavedSettings.FileName, StringComparison.Ordinal));
        return saved >= 0 && providers.Skip(saved + 1).Any(p => p.TryGet(key, out _));
    }

    private static IEnumerable<IConfigurationProvider> Flatten(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            yield break;
        }

        foreach (var provider in root.Providers)
        {
            if (provider is ChainedConfigurationProvider chained)
            {
                foreach (var inner in Flatten(chained.Configuration))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return provider;
            }
        }
    }
}
