using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MeshMind.Lab.Lab;
using Spectre.Console;

namespace MeshMind.Lab.Eval;

/// <summary>
/// The evaluation's live progress: a Spectre.Console bar and counts on a terminal, a line every 5 s otherwise (logs, CI), and with
/// <c>--progress-json</c> one JSON line a second for a program (a node's Evaluate screen):
/// <c>{"progress": {"phase": "preparing|idle|load", "elapsed_s", "total_s", "status"}}</c>.
/// </summary>
internal static class Progress
{
    /// <summary>The JSON line a program reads; the wrapper object tells it from eval's other lines (notes, the summary).</summary>
    internal sealed record Line(string Phase, double ElapsedS, double TotalS, string Status);

    private sealed record Envelope(Line Progress);

    /// <summary>With <c>--progress-json</c>: the setup before the run (checking the nodes, uploading probe files).</summary>
    public static void Preparing(EvalOptions options)
    {
        if (options.ProgressJson)
        {
            Write(new Line("preparing", 0, 0, "checking the nodes and uploading probe files"));
        }
    }

    /// <summary>
    /// With <c>--progress-json</c>, the program that started eval stops it by closing its standard input: the run ends as with
    /// Ctrl+C, with a partial report. A node that dies closes it too, so an evaluation never outlives the node that started it.
    /// </summary>
    public static void StopWhenInputCloses(CancellationTokenSource stop) =>
        _ = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is not null)
            {
            }

            try
            {
                await stop.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The run had already ended.
            }
        });

    public static async Task RunAsync(EvalRunner runner, EvalOptions options, TimeSpan idle, TimeSpan load, Func<Task> work, CancellationToken cancellationToken)
    {
        var total = (idle + load).TotalSeconds;
        var clock = Stopwatch.StartNew();
        var task = work();
        if (options.ProgressJson)
        {
            while (!task.IsCompleted)
            {
                var isIdle = clock.Elapsed < idle;
                Write(new Line(isIdle ? "idle" : "load", Math.Round(Math.Min(total, clock.Elapsed.TotalSeconds), 1), total, runner.Status(isIdle)));
                await Task.WhenAny(task, Task.Delay(1000, cancellationToken));
            }
        }
        else if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("idle", maxValue: total);
                    while (!task.IsCompleted)
                    {
                        bar.Value = Math.Min(total, clock.Elapsed.TotalSeconds);
                        bar.Description = Markup.Escape(runner.Status(clock.Elapsed < idle));
                        await Task.WhenAny(task, Task.Delay(500, cancellationToken));
                    }

                    bar.Value = total;
                });
        }
        else
        {
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(5000, cancellationToken));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"meshmind eval: {clock.Elapsed.TotalSeconds,4:0} / {total:0} s  {runner.Status(clock.Elapsed < idle)}"));
            }
        }

        await task;
    }

    private static void Write(Line line) => Console.WriteLine(JsonSerializer.Serialize(new Envelope(line), LabFile.Compact));
}
