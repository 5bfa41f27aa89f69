using System.Diagnostics;

namespace MeshMind.Hosting;

/// <summary>
/// Runs the system commands behind <c>meshmind service</c> and <c>meshmind firewall</c>, printing each one first (<c>+ cmd</c>)
/// so a person sees exactly what was done to their machine; with <see cref="DryRun"/> it only prints them.
/// </summary>
internal class CommandRunner(TextWriter output, bool dryRun)
{
    public bool DryRun { get; } = dryRun;

    protected TextWriter Output { get; } = output;

    /// <summary>Runs the command, its output passed through; returns its exit code (0 in a dry run), or 127 when it is not installed.</summary>
    public virtual async Task<int> RunAsync(ExternalCommand command, CancellationToken cancellationToken)
    {
        await Output.WriteLineAsync("+ " + command);
        if (DryRun)
        {
            if (command.Input is { } input)
            {
                await Output.WriteLineAsync(input.TrimEnd('\n'));
            }

            return 0;
        }

        var (code, text) = await CaptureAsync(command, cancellationToken);
        if (text.Length > 0)
        {
            await Output.WriteAsync(text);
        }

        return code;
    }

    /// <summary>Runs the command (also in a dry run: for questions such as "is ufw active?") and returns its exit code and output.</summary>
    public virtual async Task<(int ExitCode, string Output)> CaptureAsync(ExternalCommand command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command.File)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = command.Input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (127, $"{command.File}: not found\n");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            if (command.Input is { } input)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
    }

    /// <summary>Runs the command attached to this terminal (for <c>journalctl -f</c>, <c>systemctl status</c>); returns its exit code.</summary>
    public virtual async Task<int> RunAttachedAsync(ExternalCommand command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command.File) { UseShellExecute = false };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return 130;
            }

            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            await Output.WriteLineAsync($"{command.File}: not found");
            return 127;
        }
    }
}
