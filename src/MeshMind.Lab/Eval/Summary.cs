using System.Globalization;
using System.Text;

namespace MeshMind.Lab.Eval;

/// <summary>The evaluation in a few lines of text: for the console, and the report's summary.</summary>
internal static class Summary
{
    public static IEnumerable<(string Path, LatencyStats Stats)> Paths(EvalResults results) =>
        results.Latency.Paths.Where(p => p.Value.Count > 0).Select(p => (p.Key, p.Value));

    public static string Text(EvalResults results)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{"path",-12} {"n",6} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}  success");
        foreach (var (path, stats) in Paths(results))
        {
            var kind = path.StartsWith("chat", StringComparison.Ordinal) ? "chat" : path;
            var ratio = results.Availability.Paths.TryGetValue(kind, out var a) ? a.SuccessRatio : 1;
            text.AppendLine(c, $"{path,-12} {stats.Count,6} {stats.P50,9:0.0} {stats.P95,9:0.0} {stats.P99,9:0.0} {stats.Max,9:0.0}  {ratio:P1}");
        }

        foreach (var host in results.Latency.ChatHosts)
        {
            text.AppendLine(c, $"chat host {host.Host}: {host.Chats} chats, TTFT p50 {host.Ttft.P50:0} ms, total p50 {host.Total.P50:0} ms, {host.TokensPerSecondMean:0.0} tokens/s");
        }

        foreach (var recovery in results.Availability.Recoveries.Where(r => r.FirstFailureT is not null))
        {
            text.AppendLine(c, $"kill {recovery.Node}: {recovery.Path} failed, {(recovery.Recovered ? $"recovered {recovery.TimeToRecoveryMs:0} ms after the kill" : "did not recover in the run")}");
        }

        text.AppendLine(c, $"availability: {results.Availability.Overall.Ok}/{results.Availability.Overall.Total} ({results.Availability.Overall.SuccessRatio:P2})");
        foreach (var node in results.Resources.Nodes)
        {
            text.AppendLine(c, $"{node.Node}: CPU idle {node.IdleCpuPercent:0.0} % load {node.LoadCpuPercent:0.0} %, memory idle {node.IdleMemoryMb:0} MB load {node.LoadMemoryMb:0} MB (max {node.MaxMemoryMb:0})");
        }

        foreach (var check in results.Counters)
        {
            text.AppendLine(c, $"counter check, {check.Name}: eval {check.Eval:0} / node {check.Node:0}");
        }

        return text.ToString().TrimEnd();
    }
}
