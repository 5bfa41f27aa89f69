using System.Globalization;
using System.Net;
using System.Text;
using MeshMind.Lab.Eval;

namespace MeshMind.Lab.Report;

/// <summary>report.html: one self-contained file (inline SVG and CSS, no script, nothing fetched) with the figures, a summary and the configuration.</summary>
internal static class ReportWriter
{
    private static readonly CultureInfo s_c = CultureInfo.InvariantCulture;

    public static void Write(string path, EvalResults results) => File.WriteAllText(path, Html(results));

    public static string Html(EvalResults results)
    {
        var html = new StringBuilder();
        Head(html, "MeshMind evaluation");
        html.Append(s_c, $"<h1>MeshMind evaluation</h1><p>{E(results.Started.ToString("u", s_c))} – {E(results.Ended.ToString("u", s_c))}, {results.Config.DurationSeconds:0} s of load through {E(results.Config.Entry)}.</p>");
        if (results.Failure is not null)
        {
            html.Append(s_c, $"<p class=\"failure\" role=\"alert\">Partial report: {E(results.Failure)}.</p>");
        }

        foreach (var note in results.Notes)
        {
            html.Append(s_c, $"<p class=\"note\">{E(note)}</p>");
        }

        html.Append("<h2>Summary</h2><pre>").Append(E(Summary.Text(results))).Append("</pre>");
        html.Append("<h2>Latency</h2>");
        LatencyTable(html, results);
        Figure(html, "latency-cdf", "Latency CDF per path: where a line reaches 0.95 is the p95.", Charts.LatencyCdf(results.Latency.Paths, "Latency CDF per path"));
        html.Append("<h2>Availability</h2>");
        html.Append(s_c, $"<p>{results.Availability.Overall.Ok} of {results.Availability.Overall.Total} requests succeeded ({results.Availability.Overall.SuccessRatio:P2}).</p>");
        RecoveryTable(html, results);
        Figure(html, "availability", "Success ratio of the requests started each second; red lines: a node killed, green: restarted.", Charts.Availability(results));
        Figure(html, "answering-host", "Which host answered the chats finished each second.", Charts.AnsweringHost(results));
        html.Append("<h2>Bandwidth</h2>");
        BandwidthTable(html, results);
        Figure(html, "bandwidth", "Bytes per second per channel, summed over the nodes (each node's own counters).", Charts.Bandwidth(results));
        html.Append("<h2>Resources</h2>");
        ResourceTable(html, results);
        Figure(html, "cpu", "CPU of each node's process (its own dotnet.process.cpu.time).", Charts.Cpu(results));
        Figure(html, "memory", "Memory of each node's process (its own dotnet.process.memory.working_set).", Charts.Memory(results));
        html.Append("<h2>Counters</h2><table><tr><th>what</th><th>eval counted</th><th>the entry node counted</th><th>how</th></tr>");
        foreach (var check in results.Counters)
        {
            html.Append(s_c, $"<tr><td>{E(check.Name)}</td><td>{check.Eval:0}</td><td>{check.Node:0}</td><td>{E(check.Note)}</td></tr>");
        }

        html.Append("</table><h2>Configuration</h2><table>");
        var config = results.Config;
        foreach (var (name, value) in new (string, string)[]
        {
            ("tool", config.Tool), ("runtime", config.Runtime), ("OS", config.Os), ("cores", config.Cores.ToString(s_c)), ("entry node", config.Entry),
            ("nodes", string.Join("; ", config.Nodes)), ("node versions", string.Join("; ", config.NodeVersions)), ("lab", config.Lab ?? "no"),
            ("churn driven by eval", config.Churn ? "yes" : "no"), ("idle phase", $"{config.IdleSeconds:0} s"), ("load phase", $"{config.DurationSeconds:0} s"),
            ("chats in flight", config.Chats.ToString(s_c)), ("model", config.Model ?? "none"), ("probe file", $"{config.ProbeBytes} bytes"),
        })
        {
            html.Append(s_c, $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");
        }

        html.Append("</table><p>Every number is in results.json, operations.csv, samples.csv and events.csv beside this file.</p></main></body></html>");
        return html.ToString();
    }

    internal static void Head(StringBuilder html, string title) =>
        html.Append(s_c, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:0;background:#fafafa;color:#222}main{max-width:920px;margin:auto;padding:1rem 2rem}")
            .Append("table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;font-size:.9rem}")
            .Append("figure{margin:1rem 0;background:#fff;border:1px solid #ddd;padding:.5rem}figcaption{font-size:.9rem;color:#444}")
            .Append("pre{background:#fff;border:1px solid #ddd;padding:.5rem;overflow:auto}.failure{background:#fde8e8;padding:.5rem;border:1px solid #c00}.note{color:#555}")
            .Append("</style></head><body><main>");

    internal static void Figure(StringBuilder html, string name, string caption, string svg) =>
        html.Append(s_c, $"<figure class=\"chart\" data-chart=\"{name}\"><figcaption>{E(caption)}</figcaption>").Append(svg).Append("</figure>");

    private static void LatencyTable(StringBuilder html, EvalResults results)
    {
        html.Append("<table><tr><th>path</th><th>n</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>mean ms</th></tr>");
        foreach (var (path, s) in results.Latency.Paths)
        {
            html.Append(s_c, $"<tr><td>{E(path)}</td><td>{s.Count}</td><td>{s.P50:0.0}</td><td>{s.P95:0.0}</td><td>{s.P99:0.0}</td><td>{s.Max:0.0}</td><td>{s.Mean:0.0}</td></tr>");
        }

        html.Append("</table><table><tr><th>chat host</th><th>chats</th><th>TTFT p50 ms</th><th>TTFT p95 ms</th><th>total p50 ms</th><th>total p95 ms</th><th>tokens/s</th></tr>");
        foreach (var h in results.Latency.ChatHosts)
        {
            html.Append(s_c, $"<tr><td>{E(h.Host)}</td><td>{h.Chats}</td><td>{h.Ttft.P50:0}</td><td>{h.Ttft.P95:0}</td><td>{h.Total.P50:0}</td><td>{h.Total.P95:0}</td><td>{h.TokensPerSecondMean:0.0}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void RecoveryTable(StringBuilder html, EvalResults results)
    {
        html.Append("<table><tr><th>path</th><th>ok</th><th>requests</th><th>success</th></tr>");
        foreach (var (path, a) in results.Availability.Paths)
        {
            html.Append(s_c, $"<tr><td>{E(path)}</td><td>{a.Ok}</td><td>{a.Total}</td><td>{a.SuccessRatio:P2}</td></tr>");
        }

        html.Append("</table><table><tr><th>kill</th><th>path</th><th>time to recovery</th></tr>");
        foreach (var r in results.Availability.Recoveries)
        {
            var ttr = r.FirstFailureT is null ? "no failure" : r.Recovered ? $"{r.TimeToRecoveryMs:0} ms" : "not recovered in the run";
            html.Append(s_c, $"<tr><td>{E(r.Node)} at +{(r.T - results.T0Ms) / 1000.0:0.0} s</td><td>{E(r.Path)}</td><td>{E(ttr)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void BandwidthTable(StringBuilder html, EvalResults results)
    {
        var channels = results.Bandwidth.Nodes.SelectMany(n => n.LoadBytesPerSecond.Keys.Concat(n.IdleBytesPerSecond.Keys)).Distinct().Order(StringComparer.Ordinal).ToList();
        html.Append("<table><tr><th>node</th>").Append(string.Concat(channels.Select(c => $"<th>{E(c)} B/s idle / load</th>"))).Append("</tr>");
        foreach (var node in results.Bandwidth.Nodes)
        {
            html.Append(s_c, $"<tr><td>{E(node.Node)}</td>")
                .Append(string.Concat(channels.Select(c => string.Create(s_c, $"<td>{node.IdleBytesPerSecond.GetValueOrDefault(c):0} / {node.LoadBytesPerSecond.GetValueOrDefault(c):0}</td>"))))
                .Append("</tr>");
        }

        html.Append(s_c, $"</table><p>Proxied download throughput seen by eval: {results.Bandwidth.ProxyBytesPerSecond / 1048576:0.0} MiB/s per download.</p>");
    }

    private static void ResourceTable(StringBuilder html, EvalResults results)
    {
        html.Append("<table><tr><th>node</th><th>CPU idle %</th><th>CPU load %</th><th>memory idle MB</th><th>memory load MB</th><th>memory max MB</th></tr>");
        foreach (var n in results.Resources.Nodes)
        {
            html.Append(s_c, $"<tr><td>{E(n.Node)}</td><td>{n.IdleCpuPercent:0.0}</td><td>{n.LoadCpuPercent:0.0}</td><td>{n.IdleMemoryMb:0}</td><td>{n.LoadMemoryMb:0}</td><td>{n.MaxMemoryMb:0}</td></tr>");
        }

        html.Append("</table>");
    }

    internal static string E(string text) => WebUtility.HtmlEncode(text);
}
