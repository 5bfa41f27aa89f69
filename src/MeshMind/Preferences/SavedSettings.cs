using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.Infrastructure;
using MeshMind.Node;

namespace MeshMind.Preferences;

/// <summary>
/// <c>settings.json</c> in the data directory: what people set on the Settings screen (this node's name, the default model,
/// the discovery mode), as configuration keys (<c>{"Node": {"Name": "…"}}</c>). The node reads it at start as a configuration
/// layer above <c>appsettings.json</c> and below environment variables and the command line, so a change takes effect at the
/// next start and a flag still wins over it.
/// </summary>
internal sealed class SavedSettings(DataDirectory dataDirectory)
{
    public const string FileName = "settings.json";
    private const int MaxFileBytes = 64 * 1024;
    private readonly Lock _lock = new();

    public string Path => dataDirectory.PathOf(FileName);

    /// <summary>The saved value of a key such as <c>Node:Name</c>, or null.</summary>
    public string? Read(string key)
    {
        lock (_lock)
        {
            var node = Load();
            foreach (var part in key.Split(':'))
            {
                node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
            }

            return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        }
    }

    /// <summary>Saves the given keys (owner-only, written whole), keeping everything else in the file.</summary>
    public void Write(IReadOnlyDictionary<string, string> values)
    {
        lock (_lock)
        {
            var root = Load() as JsonObject ?? [];
            foreach (var (key, value) in values)
            {
                var parts = key.Split(':');
                var section = root;
                foreach (var part in parts[..^1])
                {
                    if (section[part] is not JsonObject child)
                    {
                        child = [];
                        section[part] = child;
                    }

                    section = child;
                }

                section[parts[^1]] = value;
            }

            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                root.WriteTo(writer);
            }

            buffer.WriteByte((byte)'\n');
            SecureFile.WriteAllBytes(Path, buffer.ToArray());
        }
    }

    private JsonNode? Load()
    {
        if (!File.Exists(Path) || new FileInfo(Path).Length > MaxFileBytes)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllBytes(Path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            // A hand-edited file the node could not read at start either; saving replaces what it can.
            return null;
        }
    }
}
