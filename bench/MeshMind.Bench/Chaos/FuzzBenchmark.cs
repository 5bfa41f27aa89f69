using System.Globalization;
using MeshMind.Testing.Fuzz;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// <c>chaos fuzz [--inputs N] [--seed S]</c>: the long profile of issue 14's fuzzing, every parser of
/// <see cref="FuzzTargets"/> with N generated inputs (10^6 by default), one table row each. Exit code 1 on any crash.
/// </summary>
internal static class FuzzBenchmark
{
    public static int Run(string[] options)
    {
        var inputs = BenchArgs.Int(options, "--inputs", 1_000_000);
        var seedIndex = Array.IndexOf(options, "--seed");
        var seed = seedIndex >= 0 && seedIndex + 1 < options.Length ? options[seedIndex + 1] : null;
        Console.WriteLine($"chaos fuzz: {inputs:N0} generated inputs per target (CsCheck, one thread)");
        Console.WriteLine();
        Console.WriteLine($"  {"target",-20} | {"inputs",11} | {"crashes",7} | {"documented exc.",15} | {"max alloc/input",15} | {"max alloc/byte",14} | {"inputs/s",10}");
        Console.WriteLine($"  {new string('-', 20)} | {new string('-', 11)} | {new string('-', 7)} | {new string('-', 15)} | {new string('-', 15)} | {new string('-', 14)} | {new string('-', 10)}");
        var crashes = new List<FuzzResult>();
        foreach (var target in FuzzTargets.All)
        {
            var result = target.Fuzz(inputs, seed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {result.Target,-20} | {result.Inputs,11:N0} | {result.Crashes,7} | {result.DocumentedExceptions,15:N0} | {result.MaxAllocatedBytes,13:N0} B | {result.MaxAllocatedPerInputByte,12:F1} B | {result.InputsPerSecond,10:N0}"));
            if (result.Crash is not null)
            {
                crashes.Add(result);
            }
        }

        foreach (var crash in crashes)
        {
            Console.WriteLine();
            Console.WriteLine($"{crash.Target}: {crash.Crash}");
        }

        return crashes.Count == 0 ? 0 : 1;
    }
}
