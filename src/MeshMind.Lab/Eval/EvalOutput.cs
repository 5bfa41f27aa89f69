using System.Globalization;
using System.Text.Json;
using MeshMind.Lab.Lab;

namespace MeshMind.Lab.Eval;

/// <summary>results.json and the CSV files with every number (operations.csv, samples.csv, events.csv).</summary>
internal static class EvalOutput
{
    public const string ResultsFile = "results.json";

    public static void Write(string dir, EvalResults results, IReadOnlyList<Operation> operations, IReadOnlyList<NodeSample> samples)
    {
        File.WriteAllText(Path.Combine(dir, ResultsFile), JsonSerializer.Serialize(results, LabFile.Json));
        Csv(Path.Combine(dir, "operations.csv"), "t_ms,kind,target,ok,ms,host,ttft_ms,tokens_per_second,tokens,error",
            operations.OrderBy(o => o.T).Select(o => Row(o.T, o.Kind, o.Target, o.Ok, o.Ms, o.Host, o.TtftMs, o.TokensPerSecond, o.Tokens, o.Error)));
        var channels = samples.SelectMany(s => s.Channels.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        Csv(Path.Combine(dir, "samples.csv"),
            "t_ms,node,phase,up,cpu_seconds,working_set_bytes,files_listed,proxied_bytes,served_bytes,chats_ok" + string.Concat(channels.Select(c => ",bytes_" + c.Replace('.', '_'))),
            samples.OrderBy(s => s.T).Select(s => Row([s.T, s.Node, s.Phase, s.Up, s.CpuSeconds, s.WorkingSetBytes, s.FilesListed, s.ProxiedBytes, s.ServedBytes, s.ChatsOk,
                .. channels.Select(c => (object?)s.Channels.GetValueOrDefault(c))])));
        Csv(Path.Combine(dir, "events.csv"), "t_ms,kind,node,detail", results.Availability.Events.Select(e => Row(e.T, e.Kind, e.Node, e.Detail)));
    }

    private static void Csv(string path, string header, IEnumerable<string> rows) =>
        File.WriteAllText(path, header + "\n" + string.Concat(rows.Select(r => r + "\n")));

    private static string Row(params object?[] values) => string.Join(',', values.Select(Cell));

    private static string Cell(object? value) => value switch
    {
        null => "",
        bool b => b ? "1" : "0",
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s when s.IndexOfAny([',', '"', '\n']) >= 0 => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        _ => value.ToString() ?? "",
    };
}
