using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshMind.Lab.Lab;

/// <summary>One node in <c>lab.json</c> (issue 18's contract: name, url, api_key, has_llm; pid for <c>meshmind eval --lab --churn</c>).</summary>
internal sealed record LabEntry(string Name, string Url, string ApiKey, bool HasLlm, int? Pid);

/// <summary>Reads and writes <c>lab.json</c>.</summary>
internal static class LabFile
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static readonly JsonSerializerOptions Compact = new(Json) { WriteIndented = false };

    /// <summary>Writes through a temporary file, so a reader never sees half a file.</summary>
    public static void Write(string path, IEnumerable<LabEntry> entries)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(entries.ToList(), Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The entries, or what is wrong with the file, in one sentence.</summary>
    public static (IReadOnlyList<LabEntry>? Entries, string? Error) Read(string path)
    {
        try
        {
            var entries = JsonSerializer.Deserialize<List<LabEntry>>(File.ReadAllText(path), Json);
            return entries is { Count: > 0 } && entries.All(e => !string.IsNullOrEmpty(e.Url) && !string.IsNullOrEmpty(e.ApiKey))
                ? (entries, null)
                : (null, $"{path} lists no nodes with a url and an api_key");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return (null, $"cannot read {path}: {ex.Message}");
        }
    }
}
