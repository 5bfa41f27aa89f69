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
/// <param name="directory">The folder it is looked for in.</param>
/// <param name="nodeFile">The node's own file name, which a release's copy of it is named after (see <see cref="Find"/>).</param>
internal sealed class LabProgram(string directory, string? nodeFile = null)
{
    public const string Name = "meshmind-lab";
    private readonly string? _nodeFile = nodeFile ?? (Environment.ProcessPath is { } path ? Path.GetFileName(path) : null);

    /// <summary>The folder it is looked for in: the node's own (<see cref="AppContext.BaseDirectory"/>) unless a test says otherwise.</summary>
    public string Directory => directory;

    /// <summary>Its path (a native executable, or a .dll run with <c>dotnet</c>), or null when it is not installed.</summary>
    /// <remarks>
    /// Besides <c>meshmind-lab</c> it is found under the name a release gives it next to the node's: beside
    /// <c>meshmind-1.2.0-linux-x64</c>, <c>meshmind-lab-1.2.0-linux-x64</c> (<c>scripts/release.sh</c> writes both), so the two
    /// downloaded files work side by side without renaming.
    /// </remarks>
    public string? Find()
    {
        string[] names = [Name, Name + ".exe", Name + ".dll"];
        if (_nodeFile is { } node && node.StartsWith("meshmind-", StringComparison.OrdinalIgnoreCase) && !node.StartsWith(Name, StringComparison.OrdinalIgnoreCase))
        {
            names = [.. names, Name + node["meshmind".Length..]];
        }

        return names.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);
    }

    /// <summary>What to tell a person when <see cref="Find"/> found nothing.</summary>
    public string Missing(string what) =>
        $"{what}: {Name} is not installed beside this node ({directory}); put the release's {Name} file for this system there, "
        + $"or publish it there with `dotnet publish src/MeshMind.Lab -c Release -o {directory}` (see README, \"Evaluation\")";

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
