using System.Collections;
using MeshMind.Infrastructure;
using MeshMind.Preferences;

namespace MeshMind.Hosting;

/// <summary>
/// Assembles a node's configuration: <c>appsettings.json</c> &lt; <c>settings.json</c> in the data directory (the Settings
/// screen's) &lt; seed names (<c>NODE_PASSWORD</c>, <c>p2p_secret.txt</c>…)
/// &lt; <c>MESHMIND__Section__Key</c> environment variables &lt; command line.
/// </summary>
internal static class NodeConfiguration
{
    /// <summary>Builds the layered configuration for one launch.</summary>
    /// <param name="commandLine">Keys set by command-line flags (highest precedence).</param>
    /// <param name="environment">The process environment (tests pass their own).</param>
    /// <param name="workingDirectory">Where relative paths and the seed's secret files are resolved.</param>
    /// <param name="baseDirectory">Where the executable and its <c>appsettings.json</c> live.</param>
    public static IConfigurationRoot Build(
        IReadOnlyDictionary<string, string?> commandLine,
        IReadOnlyDictionary<string, string?> environment,
        string workingDirectory,
        string baseDirectory)
    {
        // The seed's secret files may live in the data directory, whose location is itself configuration:
        // resolve it first without them, then build the real stack.
        string? logFile = null;
        var withoutSeed = Layers(null).Build();
        var dataDir = Path.GetFullPath(withoutSeed["Node:DataDir"] ?? "meshmind-data", workingDirectory);
        logFile = withoutSeed["Telemetry:LogFile"] is { Length: > 0 } file && !file.Any(char.IsControl) ? Path.GetFullPath(file, workingDirectory) : null;
        var root = Layers(dataDir).Build();
        return root;

        IConfigurationBuilder Layers(string? dataDirectory)
        {
            var builder = new ConfigurationBuilder();
            var baseSettings = Path.Combine(baseDirectory, "appsettings.json");
            var localSettings = Path.Combine(workingDirectory, "appsettings.json");
            builder.AddJsonFile(baseSettings, optional: true, reloadOnChange: false);
            if (!string.Equals(Path.GetFullPath(baseSettings), Path.GetFullPath(localSettings), StringComparison.Ordinal))
            {
                builder.AddJsonFile(localSettings, optional: true, reloadOnChange: false);
            }

            if (dataDirectory is not null)
            {
                // What people saved on the Settings screen: above appsettings.json, below variables and flags.
                builder.AddJsonFile(Path.Combine(dataDirectory, SavedSettings.FileName), optional: true, reloadOnChange: false);
                builder.Add(new SeedNamesConfigurationSource(environment, workingDirectory, dataDirectory));
            }

            builder.AddInMemoryCollection(FromEnvironment(environment));
            builder.AddInMemoryCollection(commandLine);
            if (dataDirectory is not null)
            {
                // Relative paths mean "relative to where meshmind was started", fixed once here.
                builder.AddInMemoryCollection([new("Node:DataDir", dataDirectory)]);
                if (logFile is not null)
                {
                    builder.AddInMemoryCollection([new("Telemetry:LogFile", logFile)]);
                }
            }

            return builder;
        }
    }

    /// <summary>Maps <c>MESHMIND__Http__Port=1</c> to <c>Http:Port=1</c>; other variables are ignored.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(IReadOnlyDictionary<string, string?> environment) =>
        environment
            .Where(e => e.Key.StartsWith(Settings.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(e => new KeyValuePair<string, string?>(
                e.Key[Settings.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), e.Value));

    /// <summary>A snapshot of the current process environment.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string;
        }

        return result;
    }
}
