using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshMind.Lab.Lab;

/// <summary>
/// One node of the lab: a <c>meshmind run</c> child process on 127.0.0.1 with its own data directory, loopback discovery and a
/// log file. After its first start it keeps its HTTP port, so its URL (and its API key, in its data directory) outlive a restart.
/// </summary>
internal sealed partial class LabNode : IAsyncDisposable
{
    private readonly LabSetup _setup;
    private readonly object _gate = new();
    private Process? _process;
    private StreamWriter? _log;
    private TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LabNode(LabSetup setup, string name, string? ollamaUrl)
    {
        _setup = setup;
        Name = name;
        OllamaUrl = ollamaUrl;
        DataDir = Path.Combine(setup.Dir, "nodes", name);
    }

    public string Name { get; }

    /// <summary>The simulated host's address, or null for a node without an LLM.</summary>
    public string? OllamaUrl { get; }

    public string DataDir { get; }

    public Uri? Url { get; private set; }

    public string? ApiKey { get; set; }

    public int? ProcessId { get { lock (_gate) { return _process is { HasExited: false } p ? p.Id : null; } } }

    public bool Running => ProcessId is not null;

    /// <summary>Raised when the process ends (killed, crashed or stopped).</summary>
    public event Action<LabNode>? Exited;

    /// <summary>Starts the process and waits until it says where it listens.</summary>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DataDir);
        var port = Url?.Port ?? 0;
        var info = new ProcessStartInfo(_setup.NodeCommand[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = DataDir,
        };
        foreach (var argument in _setup.NodeCommand.Skip(1).Concat(
        [
            "run", "--data-dir", DataDir, "--name", Name,
            "--http-port", port.ToString(CultureInfo.InvariantCulture), "--http-bind", "127.0.0.1",
            "--mesh-port", "0", "--mesh-bind", "127.0.0.1",
            "--discovery", "loopback", "--discovery-port", _setup.DiscoveryPort.ToString(CultureInfo.InvariantCulture),
            // A node without an LLM asks a loopback port nothing listens on (never an Ollama this machine may run).
            "--ollama-url", OllamaUrl ?? "http://127.0.0.1:9",
        ]))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MESHMIND__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["NODE_USERNAME"] = LabSetup.Username;
        info.Environment["NODE_PASSWORD"] = _setup.Password;
        info.Environment["P2P_HMAC_SECRET"] = _setup.Secret;
        // The node stops when its standard input (this process's pipe) closes: a lab killed with SIGKILL leaves no node running.
        info.Environment["MESHMIND_STOP_WITH_INPUT"] = "1";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var log = new StreamWriter(Path.Combine(DataDir, "node.log"), append: true) { AutoFlush = true };
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => OnLine(log, listening, e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(log, listening, e.Data);
        process.Exited += (_, _) =>
        {
            listening.TrySetException(new InvalidOperationException($"{Name} exited before listening; see {Path.Combine(DataDir, "node.log")}"));
            Exited?.Invoke(this);
        };
        lock (_gate)
        {
            _log?.Dispose();
            _log = log;
            _process?.Dispose();
            _process = process;
            _listening = listening;
            process.Start();
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return Url;
    }

    /// <summary>SIGKILL: a crash, no goodbye to the peers.</summary>
    public async Task KillAsync()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>A clean stop (SIGTERM on Unix, as systemd stops a node), then a kill after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is not { HasExited: false })
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (term is not null)
            {
                await term.WaitForExitAsync(CancellationToken.None);
            }

            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: killed below.
            }
        }

        await KillAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        lock (_gate)
        {
            _process?.Dispose();
            _log?.Dispose();
            _log = null;
        }
    }

    private static void OnLine(StreamWriter log, TaskCompletionSource<Uri> listening, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output after the lab let go of the node.
            }
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"listening on (?<url>http://\S+?)(?: |$)")]
    private static partial Regex ListeningLine();
}
