namespace MeshMind.Infrastructure;

/// <summary>
/// Where each configuration key can be set, so that an error names the exact thing a person should change.
/// </summary>
internal static class Settings
{
    public const string EnvironmentPrefix = "MESHMIND__";

    private static readonly Dictionary<string, string> s_flags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Node:DataDir"] = "--data-dir",
        ["Node:Name"] = "--name",
        ["Http:Port"] = "--http-port",
        ["Http:BindAddress"] = "--http-bind",
        ["Mesh:Port"] = "--mesh-port",
        ["Mesh:BindAddress"] = "--mesh-bind",
        ["Mesh:Peers"] = "--peer",
        ["Discovery:Port"] = "--discovery-port",
        ["Discovery:Mode"] = "--discovery",
        ["Llm:OllamaUrl"] = "--ollama-url",
        ["Telemetry:LogFile"] = "--log-file",
    };

    private static readonly Dictionary<string, string> s_seedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Auth:Username"] = "NODE_USERNAME or auth_user.txt",
        ["Auth:Password"] = "NODE_PASSWORD or auth_secret.txt",
        ["Mesh:Secret"] = "P2P_HMAC_SECRET or p2p_secret.txt",
    };

    /// <summary>The command-line flag that sets <paramref name="key"/> (<c>Mesh:Peers:0</c> → <c>--peer</c>), or null when none does.</summary>
    public static string? Flag(string key)
    {
        var colon = key.LastIndexOf(':');
        if (colon > 0 && key[(colon + 1)..].All(char.IsAsciiDigit))
        {
            key = key[..colon];
        }

        return s_flags.GetValueOrDefault(key);
    }

    /// <summary>The environment variable for a key, e.g. <c>MESHMIND__Http__Port</c>.</summary>
    public static string EnvironmentVariable(string key) => EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>A human description of every way to set <paramref name="key"/>, e.g. <c>--http-port (or MESHMIND__Http__Port)</c>.</summary>
    public static string HowToSet(string key)
    {
        var ways = new List<string>();
        if (s_flags.TryGetValue(key, out var flag))
        {
            ways.Add(flag);
        }

        if (s_seedNames.TryGetValue(key, out var seed))
        {
            ways.Add(seed);
        }

        ways.Add(EnvironmentVariable(key));
        ways.Add($"\"{key}\" in appsettings.json");
        return string.Join(", ", ways);
    }

    /// <summary>Builds the message for a rejected setting: what is wrong and how to change it.</summary>
    public static string Invalid(string key, string problem) => $"{key}: {problem}. Set it with {HowToSet(key)}.";
}
