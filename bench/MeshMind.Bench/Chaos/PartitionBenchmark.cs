using MeshMind.Testing.Chaos;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// <c>chaos partition [--runs 3]</c>: issue 14's partition-and-heal run (<see cref="PartitionScenario"/>) several times, a row
/// per run: seen down, linked again after the heal, converged. Exit code 1 when a run did not converge.
/// </summary>
internal static class PartitionBenchmark
{
    public static async Task<int> RunAsync(string[] options)
    {
        var runs = BenchArgs.Int(options, "--runs", 3);
        Console.WriteLine($"chaos partition: {runs} runs of a host cut off for {PartitionScenario.Partition.TotalSeconds:0} s (namespace lab)");
        Console.WriteLine();
        Console.WriteLine($"  {"run",3} | {"seen down",9} | {"linked after heal",17} | {"converged after heal",20}");
        Console.WriteLine($"  {new string('-', 3)} | {new string('-', 9)} | {new string('-', 17)} | {new string('-', 20)}");
        for (var run = 1; run <= runs; run++)
        {
            await using var lab = await LabRuns.CreateAsync("partition");
            if (lab is null)
            {
                return 2;
            }

            try
            {
                var report = await PartitionScenario.RunAsync(lab, subnet: 47);
                Console.WriteLine($"  {run,3} | {LabRuns.Seconds(report.SeenDown),9} | {LabRuns.Seconds(report.Relinked),17} | {LabRuns.Seconds(report.Converged),20}");
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                Console.WriteLine($"  {run,3} | FAILED: {ex.Message}");
                return 1;
            }
        }

        return 0;
    }
}
