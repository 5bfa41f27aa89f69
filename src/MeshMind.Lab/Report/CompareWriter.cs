using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshMind.Lab.Eval;
using MeshMind.Lab.Lab;

namespace MeshMind.Lab.Report;

/// <summary><c>meshmind eval --compare A.json B.json</c>: two runs side by side in compare.html (before and after a change).</summary>
internal static class CompareWriter
{
    public static async Task<int> RunAsync(string a, string b, string dir, TextWriter output, TextWriter error)
    {
        EvalResults? before, after;
        try
        {
            before = JsonSerializer.Deserialize<EvalResults>(await File.ReadAllTextAsync(a), LabFile.Json);
            after = JsonSerializer.Deserialize<EvalResults>(await File.ReadAllTextAsync(b), LabFile.Json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            await error.WriteLineAsync($"meshmind eval: --compare needs two results.json files of meshmind eval: {ex.Message}");
            return 2;
        }

        if (before is null || after is null)
        {
            await error.WriteLineAsync("meshmind eval: --compare: a file is empty");
            return 2;
        }

        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "compare.html");
        await File.WriteAllTextAsync(path, Html(before, after, a, b));
        await output.WriteLineAsync($"meshmind eval: comparison in {Path.GetFullPath(path)}");
        return 0;
    }

    private static string Html(EvalResults a, EvalResults b, string nameA, string nameB)
    {
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        ReportWriter.Head(html, "MeshMind evaluation: comparison");
        html.Append(c, $"<h1>Comparison</h1><p>A: {ReportWriter.E(nameA)} ({a.Started:u}); B: {ReportWriter.E(nameB)} ({b.Started:u}).</p>");
        html.Append("<table><tr><th>measure</th><th>A</th><th>B</th><th>B − A</th></tr>");
        void Row(string name, double x, double y, string format) =>
            html.Append(c, $"<tr><td>{ReportWriter.E(name)}</td><td>{x.ToString(format, c)}</td><td>{y.ToString(format, c)}</td><td>{(y - x).ToString(format, c)}</td></tr>");
        foreach (var path in a.Latency.Paths.Keys.Intersect(b.Latency.Paths.Keys))
        {
            var (x, y) = (a.Latency.Paths[path], b.Latency.Paths[path]);
            Row($"{path} p50 ms", x.P50, y.P50, "0.0");
            Row($"{path} p95 ms", x.P95, y.P95, "0.0");
            Row($"{path} p99 ms", x.P99, y.P99, "0.0");
        }

        Row("success ratio %", a.Availability.Overall.SuccessRatio * 100, b.Availability.Overall.SuccessRatio * 100, "0.00");
        Row("mean CPU under load %", a.Resources.Nodes.Select(n => n.LoadCpuPercent).DefaultIfEmpty(0).Average(), b.Resources.Nodes.Select(n => n.LoadCpuPercent).DefaultIfEmpty(0).Average(), "0.0");
        Row("mean memory under load MB", a.Resources.Nodes.Select(n => n.LoadMemoryMb).DefaultIfEmpty(0).Average(), b.Resources.Nodes.Select(n => n.LoadMemoryMb).DefaultIfEmpty(0).Average(), "0");
        html.Append("</table>");
        ReportWriter.Figure(html, "latency-cdf", "Latency CDF per path: A solid, B dashed.", Charts.LatencyCdf(a.Latency.Paths, "Latency CDF, A and B", b.Latency.Paths));
        html.Append("</main></body></html>");
        return html.ToString();
    }
}
