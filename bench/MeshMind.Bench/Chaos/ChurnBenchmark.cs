using MeshMind.Testing.Chaos;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// <c>chaos churn [--kills 14] [--chats 1000] [--clients 6] [--seed S]</c>: the long profile of issue 14's churn run
/// (<see cref="ChurnScenario"/>), with a row per API. Exit code 1 when a chat was refused or hung, or a cut is unexplained.
/// </summary>
internal static class ChurnBenchmark
{
    public static async Task<int> RunAsync(string[] options)
    {
        var churn = new ChurnOptions(BenchArgs.Int(options, "--kills", 14), BenchArgs.Int(options, "--chats", 1_000), BenchArgs.Int(options, "--clients", 6),
            LabRuns.Seed(options));
        await using var lab = await LabRuns.CreateAsync("churn");
        if (lab is null)
        {
            return 2;
        }

        Console.WriteLine($"chaos churn: at least {churn.MinKills} kills and {churn.MinChats:N0} chats, {churn.Clients} clients (namespace lab)");
        var report = await ChurnScenario.RunAsync(lab, subnet: 46, churn, Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine($"  {"API",-10} | {"chats",6} | {"answered",8} | {"cut mid-answer",14} | {"refused",7} | {"hung",4} | {"answered %",10}");
        Console.WriteLine($"  {new string('-', 10)} | {new string('-', 6)} | {new string('-', 8)} | {new string('-', 14)} | {new string('-', 7)} | {new string('-', 4)} | {new string('-', 10)}");
        foreach (var group in report.Chats.GroupBy(c => c.Api.ToString()).OrderBy(g => g.Key, StringComparer.Ordinal).Append(report.Chats.GroupBy(_ => "all").Single()))
        {
            var count = group.Count();
            var answered = group.Count(c => c.Kind == ChatOutcome.Answered);
            Console.WriteLine($"  {group.Key,-10} | {count,6} | {answered,8} | {group.Count(c => c.Kind == ChatOutcome.Cut),14} | " +
                $"{group.Count(c => c.Kind == ChatOutcome.Refused),7} | {group.Count(c => c.Kind == ChatOutcome.Hung),4} | {100.0 * answered / Math.Max(1, count),9:0.00} %");
        }

        var recoveries = report.Kills.Select(k => k.Recovery).Order().ToList();
        Console.WriteLine();
        Console.WriteLine($"  kills: {report.Kills.Count} in {LabRuns.Seconds(report.Duration)} (seed {report.Seed}): " +
            string.Join(", ", report.Kills.GroupBy(k => k.Victim).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}")));
        if (recoveries.Count > 0)
        {
            Console.WriteLine($"  time to recovery (restart → serving a chat again): median {LabRuns.Seconds(recoveries[recoveries.Count / 2])}, " +
                $"min {LabRuns.Seconds(recoveries[0])}, max {LabRuns.Seconds(recoveries[^1])}");
        }

        Console.WriteLine($"  cuts explained by a kill in flight: {report.Cut.Count - report.UnexplainedCuts.Count} of {report.Cut.Count}");
        foreach (var failure in report.Failed.Concat(report.UnexplainedCuts).Take(10))
        {
            Console.WriteLine($"  {failure.Client} '{failure.Question}': {failure.Kind} {failure.Detail}");
        }

        return report.Failed.Count == 0 && report.UnexplainedCuts.Count == 0 ? 0 : 1;
    }
}
