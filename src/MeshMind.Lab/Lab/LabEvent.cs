using System.Text.Json;

namespace MeshMind.Lab.Lab;

/// <summary>Something that happened to a node: <c>kill</c>, <c>exit</c>, <c>restart</c>, <c>linked</c>; written a line each to <c>events.jsonl</c>.</summary>
internal sealed record LabEvent(long T, string Kind, string Node, string? Detail = null)
{
    public const string FileName = "events.jsonl";

    private static readonly Lock s_write = new();

    public static void Append(string dir, LabEvent e)
    {
        var line = JsonSerializer.Serialize(e, LabFile.Compact) + "\n";
        lock (s_write)
        {
            File.AppendAllText(Path.Combine(dir, FileName), line);
        }
    }

    public static IReadOnlyList<LabEvent> ReadAll(string dir)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        var events = new List<LabEvent>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            try
            {
                if (JsonSerializer.Deserialize<LabEvent>(line, LabFile.Json) is { } e)
                {
                    events.Add(e);
                }
            }
            catch (JsonException)
            {
                // A line cut off by a crash is skipped.
            }
        }

        return events;
    }
}
