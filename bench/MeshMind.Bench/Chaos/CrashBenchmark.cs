using MeshMind.Testing.Chaos;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// <c>chaos crash [--rounds 100] [--seed S]</c>: the long profile of issue 14's crash-consistency run
/// (<see cref="CrashScenario"/>). Exit code 1 when a database, a listing or the history sync was found damaged.
/// </summary>
internal static class CrashBenchmark
{
    public static async Task<int> RunAsync(string[] options)
    {
        var rounds = BenchArgs.Int(options, "--rounds", 100);
        await using var lab = await LabRuns.CreateAsync("crash");
        if (lab is null)
        {
            return 2;
        }

        Console.WriteLine($"chaos crash: {rounds} kills -9 at random moments (namespace lab)");
        CrashReport report;
        try
        {
            report = await CrashScenario.RunAsync(lab, subnet: 48, rounds, LabRuns.Seed(options), Console.WriteLine);
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"DAMAGE FOUND: {ex.Message}");
            return 1;
        }

        Console.WriteLine();
        Console.WriteLine($"  {"killed during",-38} | {"kills",5} | {"moment (ms)",13} | {"integrity_check ok",18}");
        Console.WriteLine($"  {new string('-', 38)} | {new string('-', 5)} | {new string('-', 13)} | {new string('-', 18)}");
        foreach (var group in report.Kills.GroupBy(k => (k.DuringRotation, k.Victim)).OrderBy(g => g.Key.DuringRotation).ThenBy(g => g.Key.Victim, StringComparer.Ordinal))
        {
            var what = group.Key.DuringRotation ? "a start with a rotated secret" : "upload, pin, synced chats";
            var moments = group.Select(k => k.Moment.TotalMilliseconds).ToList();
            Console.WriteLine($"  {$"{group.Key.Victim}: {what}",-38} | {group.Count(),5} | {$"{moments.Min():0}–{moments.Max():0}",13} | " +
                $"{group.Count(k => k.Integrity == "ok"),18}");
        }

        Console.WriteLine();
        Console.WriteLine($"  {report.Kills.Count} kills in {LabRuns.Seconds(report.Duration)} (seed {report.Seed}); after each: integrity_check ok, clean restart, " +
            "no temporary upload left, nothing partial listed, B converged to what A kept");
        return 0;
    }
}
