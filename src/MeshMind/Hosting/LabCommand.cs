using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MeshMind.Evaluation;

namespace MeshMind.Hosting;

/// <summary>
/// <c>meshmind lab</c> and <c>meshmind eval</c> (issue 18): run by <c>meshmind-lab</c> (<see cref="LabProgram"/>), a program shipped
/// beside the node, which starts this executable for each lab node.
/// </summary>
internal static class LabCommand
{
    /// <summary>A command that hands its arguments to <c>meshmind-lab NAME ...</c>.</summary>
    public static Command Create(string name, string description)
    {
        var command = new Command(name, description + $" Options: `meshmind {name} --options`.") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction((result, _) => RunAsync(name, result.UnmatchedTokens, Console.Error));
        return command;
    }

    private static async Task<int> RunAsync(string name, IReadOnlyList<string> arguments, TextWriter error)
    {
        var lab = new LabProgram(AppContext.BaseDirectory);
        if (lab.Find() is not { } program)
        {
            await error.WriteLineAsync(lab.Missing($"meshmind {name}"));
            return 2;
        }

        var info = LabProgram.StartInfo(program);
        info.ArgumentList.Add(name);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument == "--options" ? "--help" : argument);
        }

        // The lab starts this very node build for each of its nodes.
        var self = Environment.ProcessPath ?? "meshmind";
        var underDotnet = Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        info.Environment["MESHMIND_LAB_NODE"] = underDotnet ? Path.Combine(AppContext.BaseDirectory, "meshmind.dll") : self;
        using var child = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        // SIGTERM to this process alone (a script, systemd) is passed on, and this process waits for the lab to stop its nodes.
        // A terminal's Ctrl+C reaches the whole process group, the child too.
        void PassOn(PosixSignalContext context)
        {
            context.Cancel = true;
            if (context.Signal == PosixSignal.SIGTERM && !OperatingSystem.IsWindows() && !child.HasExited)
            {
                using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", child.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                term?.WaitForExit();
            }
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, PassOn);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, PassOn);
        await child.WaitForExitAsync(CancellationToken.None);
        return child.ExitCode;
    }
}
