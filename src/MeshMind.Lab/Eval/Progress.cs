using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace MeshMind.Lab.Eval;

/// <summary>The evaluation's live progress: a Spectre.Console bar and counts on a terminal, a line every 5 s otherwise (logs, CI).</summary>
internal static class Progress
{
    public static async Task RunAsync(EvalRunner runner, TimeSpan idle, TimeSpan load, Func<Task> work, CancellationToken cancellationToken)
    {
        var total = (idle + load).TotalSeconds;
        var clock = Stopwatch.StartNew();
        var task = work();
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
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
}
