using System.Diagnostics;
using System.Text;

namespace MeshMind.Testing;

/// <summary>Runs a short external command (ip, curl) and returns its exit code and output.</summary>
public static class Command
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        RunAsync(file, arguments, onOutputLine: null, cancellationToken);

    /// <summary>Runs a command, handing each line of its output to <paramref name="onOutputLine"/> as it arrives (a stream's events, say).</summary>
    /// <remarks>With a callback the returned output is the lines joined with <c>\n</c>: a final line break is not kept.</remarks>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, IEnumerable<string> arguments, Action<string>? onOutputLine,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = onOutputLine is null
            ? process.StandardOutput.ReadToEndAsync(cancellationToken)
            : ReadLinesAsync(process.StandardOutput, onOutputLine, cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    private static async Task<string> ReadLinesAsync(StreamReader reader, Action<string> onLine, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            output.Append(output.Length > 0 ? "\n" : "").Append(line);
            onLine(line);
        }

        return output.ToString();
    }

    /// <summary>Runs <c>ip ARGS</c>, throwing with its message when it fails.</summary>
    public static async Task IpAsync(params string[] arguments)
    {
        var (code, _, error) = await RunAsync("ip", arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({code}): {error.Trim()}");
        }
    }
}
