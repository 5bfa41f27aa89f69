using System.Diagnostics;

namespace MeshMind.Bench.Llm;

/// <summary>
/// Brings every process to its steady state before anything is measured. A .NET process keeps recompiling hot methods
/// at tier 1 (with PGO) on a background thread for a good while after load starts, and that thread competes with the
/// requests being timed: a warm-up of a fixed size left it busy for hundreds of milliseconds at a time in the first runs.
/// </summary>
internal static class WarmUp
{
    private const int MaxPasses = 20;
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Passes of chats on every path, at concurrency 1 and then rising in steps of 8 (so a node never opens more than 8 new
    /// connections to its peer at once, see <see cref="ColdBurst"/>), until a pass in which no process's background JIT
    /// ran for more than one 10 ms tick; then waits until the processes are idle.
    /// </summary>
    public static async Task RunAsync(IReadOnlyList<ChatPath> paths, byte[] body, int concurrency, CpuMeter cpu, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var passes = new List<string>();
        TimeSpan[] jit;
        do
        {
            var before = cpu.ReadJit();
            foreach (var path in paths)
            {
                await ChatLoad.RunAsync(path, body, 200, 1, cancellationToken);
                for (var step = Math.Min(8, concurrency); ; step = Math.Min(step + 8, concurrency))
                {
                    await ChatLoad.RunAsync(path, body, 300, step, cancellationToken);
                    if (step == concurrency)
                    {
                        break;
                    }
                }
            }

            // Tier-1 compiles wait until no method has been newly called for 100 ms; let the queued ones run in this pass.
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            jit = cpu.ReadJit().Since(before);
            passes.Add(string.Join("/", jit.Select(t => t.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))));
        }
        while (jit.Any(t => t > s_quiet) && passes.Count < MaxPasses);

        Console.WriteLine($"warm-up: {passes.Count} passes in {clock.Elapsed.TotalSeconds:F0} s; background JIT ms per pass ({string.Join("/", cpu.Names)}): " +
            string.Join(", ", passes));
        await SettleAsync(cpu, cancellationToken);
    }

    /// <summary>Waits until a second in which no process uses more than 5 % of a core, 30 s at most.</summary>
    private static async Task SettleAsync(CpuMeter cpu, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan[] second;
        do
        {
            var before = cpu.Read();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            second = new TimeSpan[before.Length];
            cpu.AddSince(before, second);
        }
        while (second.Any(t => t > TimeSpan.FromMilliseconds(50)) && clock.Elapsed < TimeSpan.FromSeconds(30));

        Console.WriteLine($"idle after {clock.Elapsed.TotalSeconds:F0} s, CPU ms in the last second: {cpu.Describe(second, 1, t => t.TotalMilliseconds)}");
    }
}
