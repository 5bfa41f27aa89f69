using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace MeshMind.Testing;

/// <summary>
/// A real <c>meshmind</c> process (the build next to the tests), with its own working directory and environment, or another
/// .NET program built next to the tests that announces its address the same way (the fake Ollama).
/// Output is captured; <see cref="WaitForListeningAsync"/> waits for the line announcing the HTTP address.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(long Timestamp, string Line)> _lines = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _program;

    private NodeProcess(Process process, string program)
    {
        _process = process;
        _program = program;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public int ProcessId => _process.Id;

    /// <summary>Each output line with the <see cref="Stopwatch.GetTimestamp"/> of its arrival, to time events from the node's own log.</summary>
    public IReadOnlyList<(long Timestamp, string Line)> Lines
    {
        get
        {
            lock (_output)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>
    /// The meshmind build to run: <c>MESHMIND_NODE_ASSEMBLY</c> (e.g. a published build being benchmarked: a .dll, or a Native AOT
    /// executable, run without dotnet), else the one next to
    /// the calling assembly (test and bench projects reference the node project).
    /// </summary>
    public static string DefaultAssembly =>
        Environment.GetEnvironmentVariable("MESHMIND_NODE_ASSEMBLY") is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "meshmind.dll");

    /// <summary>Starts <c>dotnet meshmind.dll ARGS</c>. The environment is inherited minus anything MeshMind reads, plus <paramref name="environment"/>.</summary>
    public static NodeProcess Start(string workingDirectory, IEnumerable<string> arguments, IDictionary<string, string>? environment = null) =>
        Start(workingDirectory, arguments, environment, networkNamespace: null, isolateMesh: true);

    /// <summary>
    /// Starts a node, optionally inside a network namespace (<c>ip netns exec NS dotnet meshmind.dll ...</c>; needs root).
    /// With <paramref name="isolateMesh"/> the node gets an ephemeral mesh port on 127.0.0.1 unless the arguments say otherwise.
    /// </summary>
    public static NodeProcess Start(
        string workingDirectory, IEnumerable<string> arguments, IDictionary<string, string>? environment, string? networkNamespace, bool isolateMesh) =>
        Start(DefaultAssembly, workingDirectory, arguments, environment, networkNamespace, isolateMesh);

    /// <summary>
    /// Starts <c>dotnet ASSEMBLY ARGS</c>: a node, or another program built next to the tests that announces
    /// "listening on http://..." (the fake Ollama, <see cref="FakeOllamaProcess"/>).
    /// </summary>
    public static NodeProcess Start(string assembly,
        string workingDirectory, IEnumerable<string> arguments, IDictionary<string, string>? environment, string? networkNamespace, bool isolateMesh) =>
        Start(assembly, workingDirectory, arguments, environment, networkNamespace is null ? [] : ["ip", "netns", "exec", networkNamespace], isolateMesh);

    /// <summary>
    /// Starts <c>LAUNCHER... dotnet meshmind.dll ARGS</c>, e.g. under <c>unshare --pid --fork</c> (the process held is then the
    /// launcher; disposing kills it and its children). With an empty launcher, as <see cref="Start(string, IEnumerable{string}, IDictionary{string, string}?)"/>.
    /// </summary>
    public static NodeProcess Start(string assembly,
        string workingDirectory, IEnumerable<string> arguments, IDictionary<string, string>? environment, IReadOnlyList<string> launcher, bool isolateMesh)
    {
        // A path that is not a .dll is an executable of its own (a Native AOT or single-file publish): run it without dotnet.
        var host = assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? "dotnet" : null;
        var info = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : host ?? assembly)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (launcher.Count > 0)
        {
            // ip netns exec replaces itself with the command, so the process we hold is the node (kill -9 hits it).
            foreach (var part in launcher.Skip(1))
            {
                info.ArgumentList.Add(part);
            }
        }

        if (launcher.Count > 0 || host is not null)
        {
            if (launcher.Count > 0 && host is not null)
            {
                info.ArgumentList.Add(host);
            }

            info.ArgumentList.Add(assembly);
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("MESHMIND__", StringComparison.OrdinalIgnoreCase) || key is "NODE_USERNAME" or "NODE_PASSWORD" or "P2P_HMAC_SECRET")
            {
                info.Environment.Remove(key);
            }
        }

        if (isolateMesh)
        {
            // Tests never take the real mesh port or listen for peers beyond this machine unless they say so.
            info.Environment["MESHMIND__Mesh__Port"] = "0";
            info.Environment["MESHMIND__Mesh__BindAddress"] = "127.0.0.1";
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(process, Path.GetFileNameWithoutExtension(assembly));
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        process.Exited += (_, _) => node._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Runs a command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        string workingDirectory, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        await using var node = Start(workingDirectory, arguments, environment);
        await node.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60), cancellationToken);
        return (node.ExitCode!.Value, node.Output);
    }

    public async Task<Uri> WaitForListeningAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var winner = await Task.WhenAny(_listening.Task, _exited.Task).WaitAsync(timeout ?? TimeSpan.FromSeconds(60), cancellationToken);
        if (winner == _exited.Task && !_listening.Task.IsCompleted)
        {
            // Output events can trail the exit event; let them drain.
            await _process.WaitForExitAsync(cancellationToken);
            throw new InvalidOperationException($"{_program} exited with {_process.ExitCode} before listening:\n{Output}");
        }

        return await _listening.Task;
    }

    public async Task WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Writes <paramref name="text"/> to the program's standard input, then closes it (end of input).</summary>
    public async Task WriteInputAndCloseAsync(string text, CancellationToken cancellationToken = default)
    {
        await _process.StandardInput.WriteAsync(text.AsMemory(), cancellationToken);
        _process.StandardInput.Close();
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: no graceful stop, no OFFLINE.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var arrived = Stopwatch.GetTimestamp();
        lock (_output)
        {
            _output.AppendLine(line);
            _lines.Add((arrived, line));
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"listening on (?<url>http://\S+?)(?: |$)")]
    private static partial Regex ListeningLine();
}
