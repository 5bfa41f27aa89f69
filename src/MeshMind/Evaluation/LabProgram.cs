using System.Diagnostics;

namespace MeshMind.Evaluation;

/// <summary>
/// <c>meshmind-lab</c>, the program shipped beside the node that runs <c>meshmind lab</c>, <c>meshmind eval</c> and the Evaluate
/// screen's runs (issue 18): where it is, and how to start it.
/// </summary>
/// <remarks>
/// A program of its own because the lab serves a simulated LLM host (a test fixture, never the product's LLM) and the evaluation
/// draws its plots with ScottPlot (SkiaSharp, a native library), records latencies with HdrHistogram and shows progress with
/// Spectre.Console: none of that belongs in a node, whose Native AOT publish stays free of them and of their trim warnings.
/// </remarks>
internal sealed class LabProgram(string directory)
{
    public const string Name = "meshmind-lab";

    /// <summary>The folder it is looked for in: the node's own (<see cref="AppContext.BaseDirectory"/>) unless a test says otherwise.</summary>
    public string Directory => directory;

    /// <summary>Its path (a native executable, or a .dll run with <c>dotnet</c>), or null when it is not installed.</summary>
    public string? Find() => new[] { Name, Name + ".exe", Name + ".dll" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);

    /// <summary>What to tell a person when <see cref="Find"/> found nothing.</summary>
    public string Missing(string what) =>
        $"{what}: {Name} is not installed beside this node ({directory}); publish it there with "
        + $"`dotnet publish src/MeshMind.Lab -c Release -o {directory}` (see README, \"Evaluation\")";

    /// <summary>How to start <paramref name="program"/> (from <see cref="Find"/>): directly, or a .dll with the <c>dotnet</c> host.</summary>
    public static ProcessStartInfo StartInfo(string program)
    {
        if (!program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return new ProcessStartInfo(program) { UseShellExecute = false };
        }

        // A framework-dependent node runs under the dotnet host; a node that is an apphost (or a test) finds dotnet on PATH.
        var self = Environment.ProcessPath;
        var host = self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
        var info = new ProcessStartInfo(host) { UseShellExecute = false };
        info.ArgumentList.Add(program);
        return info;
    }
}
