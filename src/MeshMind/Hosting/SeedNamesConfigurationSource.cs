
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
                // A secret or password of only whitespace is kept (untrimmed) for validation to refuse: dropping it would have
                // the node silently generate one of its own, and never join the mesh (or take the login) its operator meant
                // (issue 14, finding 11).
                var keepBlank = key is "Mesh:Secret" or "Auth:Password";
                string? path = null;
                var value = FromEnvironment(variable, keepBlank);
                foreach (var directory in new[] { source.WorkingDirectory, source.DataDirectory })
                {
                    if (value is null && FromFile(directory, file, keepBlank) is { } read)
                    {
                        (value, path) = (read, Path.GetFullPath(Path.Combine(directory, file)));
                    }
                }

                if (value is null)
                {
                    continue;
                }

                if (key == "Mesh:Secret" && path is not null)
                {
                    // Where a rotation or a join made on this node writes the new secrets (MeshKeys checks it still holds these).
                    data["Mesh:SecretFile"] = path;
                }

                if (key == "Mesh:Secret")
                {
                    // p2p_secret.txt may list several secrets, one per line: the current one first, then the previous
                    // ones still accepted while every node is being moved to the new secret.
                    var lines = value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (lines.Length == 0)
                    {
                        data[key] = value;
                        continue;
                    }

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

        /// <summary>The variable's trimmed value; one of only whitespace counts as unset unless <paramref name="keepBlank"/>.</summary>
        private string? FromEnvironment(string variable, bool keepBlank) =>
            source.Environment.TryGetValue(variable, out var value) ? Trimmed(value, keepBlank) : null;

        /// <summary>The file's trimmed text; an empty file counts as absent, one of only whitespace too unless <paramref name="keepBlank"/>.</summary>
        private static string? FromFile(string directory, string file, bool keepBlank)
        {
            var path = Path.Combine(directory, file);
            return File.Exists(path) ? Trimmed(File.ReadAllText(path), keepBlank) : null;
        }

        private static string? Trimmed(string? value, bool keepBlank) => value switch
        {
            null or "" => null,
            _ when value.Trim() is { Length: > 0 } trimmed => trimmed,
            _ => keepBlank ? value : null,
        };
    }
}
