using MeshMind.Lab.Eval;
using ScottPlot;

namespace MeshMind.Lab.Report;

/// <summary>The report's figures, drawn by ScottPlot as SVG (inline in the HTML: the report opens offline as one file).</summary>
internal static class Charts
{
    private const int Width = 860;
    private const int Height = 340;

    public static string LatencyCdf(IReadOnlyDictionary<string, LatencyStats> paths, string title, IReadOnlyDictionary<string, LatencyStats>? other = null)
    {
        var plot = New(title, "latency (ms)", "fraction of requests");
        foreach (var (path, stats) in paths.Where(p => p.Value.Cdf.Count > 0))
        {
            Cdf(plot, stats, other is null ? path : path + " (A)");
        }

        foreach (var (path, stats) in (other ?? new Dictionary<string, LatencyStats>()).Where(p => p.Value.Cdf.Count > 0))
        {
            Cdf(plot, stats, path + " (B)").LinePattern = LinePattern.Dashed;
        }

        plot.Axes.SetLimitsY(0, 1.02);
        return Svg(plot);
    }

    public static string Availability(EvalResults results)
    {
        var plot = New("Success ratio per second (all paths), with node kills and restarts", "time (s)", "success ratio");
        var start = Start(results);
        var timeline = results.Availability.Timeline;
        if (timeline.Count > 0)
        {
            var line = plot.Add.ScatterLine(timeline.Select(p => Seconds(p.T, start)).ToArray(), timeline.Select(p => p.Total == 0 ? 1.0 : (double)p.Ok / p.Total).ToArray());
            line.LegendText = "success ratio";
            line.LineWidth = 2;
        }

        Events(plot, results, start);
        plot.Axes.SetLimitsY(-0.05, 1.1);
        return Svg(plot);
    }

    public static string AnsweringHost(EvalResults results)
    {
        var plot = New("Host that answered each chat", "time (s)", "");
        var start = Start(results);
        var hosts = results.Availability.Timeline.SelectMany(p => p.Hosts).Distinct().Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < hosts.Count; i++)
        {
            var points = results.Availability.Timeline.Where(p => p.Hosts.Contains(hosts[i])).ToList();
            var dots = plot.Add.ScatterPoints(points.Select(p => Seconds(p.T, start)).ToArray(), points.Select(_ => (double)i).ToArray());
            dots.LegendText = hosts[i];
            dots.MarkerSize = 6;
        }

        if (hosts.Count > 0)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, hosts.Count).Select(i => (double)i)], [.. hosts]);
            plot.Axes.SetLimitsY(-0.5, hosts.Count - 0.5);
        }

        Events(plot, results, start);
        return Svg(plot);
    }

    public static string Bandwidth(EvalResults results)
    {
        var plot = New("Bytes per second by channel, all nodes (from each node's meshmind.network.bytes)", "time (s)", "bytes/s");
        var start = Start(results);
        var timeline = results.Bandwidth.Timeline;
        foreach (var channel in timeline.SelectMany(p => p.BytesPerSecond.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            var line = plot.Add.ScatterLine(timeline.Select(p => Seconds(p.T, start)).ToArray(), timeline.Select(p => p.BytesPerSecond.GetValueOrDefault(channel)).ToArray());
            line.LegendText = channel;
        }

        Events(plot, results, start);
        return Svg(plot);
    }

    public static string Cpu(EvalResults results) =>
        PerNode(results, "CPU per node (% of one core)", "CPU %", p => p.CpuPercent);

    public static string Memory(EvalResults results) =>
        PerNode(results, "Memory per node (working set)", "MB", p => p.MemoryMb);

    private static string PerNode(EvalResults results, string title, string unit, Func<ResourcePoint, double?> value)
    {
        var plot = New(title, "time (s)", unit);
        var start = Start(results);
        foreach (var node in results.Resources.Timeline.Select(p => p.Node).Distinct().Order(StringComparer.Ordinal))
        {
            var points = results.Resources.Timeline.Where(p => p.Node == node && value(p) is not null).ToList();
            var line = plot.Add.ScatterLine(points.Select(p => Seconds(p.T, start)).ToArray(), points.Select(p => value(p)!.Value).ToArray());
            line.LegendText = node;
        }

        var idleEnd = results.Config.IdleSeconds;
        var boundary = plot.Add.VerticalLine(idleEnd);
        boundary.Text = "load starts";
        boundary.LinePattern = LinePattern.Dotted;
        Events(plot, results, start);
        return Svg(plot);
    }

    private static ScottPlot.Plottables.Scatter Cdf(Plot plot, LatencyStats stats, string label)
    {
        var xs = stats.Cdf.ToArray();
        var ys = Enumerable.Range(1, xs.Length).Select(i => (double)i / xs.Length).ToArray();
        var line = plot.Add.ScatterLine(xs, ys);
        line.LegendText = $"{label} (n={stats.Count})";
        line.LineWidth = 2;
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        return line;
    }

    private static void Events(Plot plot, EvalResults results, long start)
    {
        foreach (var e in results.Availability.Events.Where(e => e.Kind is "kill" or "restart"))
        {
            var line = plot.Add.VerticalLine(Seconds(e.T, start));
            line.Text = $"{e.Kind} {e.Node}";
            line.Color = e.Kind == "kill" ? Colors.Red : Colors.Green;
            line.LinePattern = LinePattern.Dashed;
            line.LabelFontSize = 10;
        }
    }

    /// <summary>Time zero: the start of the run (its idle phase).</summary>
    private static long Start(EvalResults results) => results.T0Ms;

    private static double Seconds(long t, long start) => (t - start) / 1000.0;

    private static Plot New(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title, size: 14);
        plot.XLabel(x, size: 12);
        plot.YLabel(y, size: 12);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static string Svg(Plot plot) => plot.GetSvgXml(Width, Height);
}
