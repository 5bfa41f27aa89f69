
namespace MeshMind.Hosting;

/// <summary>
/// Maps the seed's configuration names onto MeshMind's keys: <c>NODE_USERNAME</c>/<c>auth_user.txt</c>,
/// <c>NODE_PASSWORD</c>/<c>auth_secret.txt</c>, <c>P2P_HMAC_SECRET</c>/<c>p2p_secret.txt</c>.
/// </summary>
/// <remarks>
/// An environment variable wins over a file; a file in the working directory wins over one in the data
/// directory. Values are trimmed (files usually end with a newline). This source sits below MeshMind's own
/// <c>MESHMIND__…</c> variables and the command line, so those still override the seed names.
/// </remarks>
internal sealed class SeedNamesConfigurationSource(
    IReadOnlyDictionary<string, string?> environment, string workingDirectory, string dataDirectory) : IConfigurationSource
{
    private IReadOnlyDictionary<string, string?> Environment { get; } = environment;

    private string WorkingDirectory { get; } = workingDirectory;

    private string DataDirectory { get; } = dataDirectory;

    internal static readonly (string Key, string Variable, string File)[] Mappings =
    [
        ("Auth:Username", "NODE_USERNAME", "auth_user.txt"),
        ("Auth:Password", "NODE_PASSWORD", "auth_secret.txt"),
        ("Mesh:Secret", "P2P_HMAC_SECRET", "p2p_secret.txt"),
    ];

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this);

    private sealed class Provider(SeedNamesConfigurationSource source) : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, variable, file) in Mappings)
            {
                var value = FromEnvironment(variable) ?? FromFile(source.WorkingDirectory, file) ?? FromFile(source.DataDirectory, file);
                if (value is null)
                {
                    continue;
                }

                if (key == "Mesh:Secret")
                {
                    // p2p_secret.txt may list several secrets, one per line: the current one first, then the previous
                    // ones still accepted while every node is being moved to the new secret.
                    var lines = value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    data[key] = lines[0];
                    for (var i = 1; i < lines.Length; i++)
                    {
                        data[$"Mesh:PreviousSecrets:{i - 1}"] = lines[i];
                    }
                }
                else
                {
                    data[key] = value;
                }
            }

            Data = data;
        }

        private string? FromEnvironment(string variable) =>
            source.Environment.TryGetValue(variable, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        private static string? FromFile(string directory, string file)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                return null;
            }

            var text = File.ReadAllText(path).Trim();
            return text.Length == 0 ? null : text;
        }
    }
}
