using System.Globalization;
using System.Text.Json;

namespace MeshMind.Testing;

/// <summary>A meshmind process on a lab host, observed through its own HTTP API (reached with curl inside the host's namespace).</summary>
public sealed class LabNode : IAsyncDisposable
{
    public const string Password = "lab-node-password";
    private readonly string[] _arguments;
    private readonly IDictionary<string, string>? _environment;
    private NodeProcess? _process;

    internal LabNode(LabHost host, string name, string? secret, string directory, string[] arguments, IDictionary<string, string>? environment)
    {
        Host = host;
        Name = name;
        Secret = secret;
        Directory = directory;
        _arguments = arguments;
        _environment = environment;
    }

    public LabHost Host { get; }

    public string Name { get; }

    /// <summary>
    /// The mesh secret the node starts with (<c>P2P_HMAC_SECRET</c>); null for a node that keeps its own in its data directory
    /// (<c>p2p_secret.txt</c>, generated at first start, or written by <c>meshmind join</c> or a rotation).
    /// </summary>
    public string? Secret { get; private set; }

    /// <summary>Secrets still accepted besides <see cref="Secret"/> (<c>Mesh:PreviousSecrets</c>), as during a rotation.</summary>
    public IReadOnlyList<string> PreviousSecrets { get; private set; } = [];

    public string Directory { get; }

    public string? NodeId { get; private set; }

    public string Output => _process?.Output ?? "";

    /// <summary>The current process's output lines with their arrival times (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
    public IReadOnlyList<(long Timestamp, string Line)> OutputLines => _process?.Lines ?? [];

    /// <summary>The current process's id (the node itself: <c>ip netns exec</c> replaces itself with it).</summary>
    public int? ProcessId => _process?.ProcessId;

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the current process was started.</summary>
    public long StartedAt { get; private set; }

    /// <summary>From process start to the node's "listening" line, for the current process.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>
    /// Rotates the mesh secret as README describes, for the next start: <paramref name="secret"/> becomes the current one and
    /// the one before is still accepted (only that one: earlier ones are dropped).
    /// </summary>
    public void RotateSecret(string secret)
    {
        PreviousSecrets = Secret is null ? [] : [Secret];
        Secret = secret;
    }

    /// <summary>Starts (or restarts, keeping the data directory) the node and waits until it serves HTTP.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => StartAsync(identify: true, cancellationToken);

    /// <summary>
    /// <see cref="StartAsync(CancellationToken)"/>; with <paramref name="identify"/> false it sends the node no request (no login
    /// either), and <see cref="NodeId"/> stays unknown until <see cref="IdentifyAsync"/>.
    /// </summary>
    public async Task StartAsync(bool identify, CancellationToken cancellationToken = default)
    {
        var environment = Environment();
        if (Secret is not null)
        {
            environment["P2P_HMAC_SECRET"] = Secret;
        }

        for (var i = 0; i < PreviousSecrets.Count; i++)
        {
            environment[$"MESHMIND__Mesh__PreviousSecrets__{i}"] = PreviousSecrets[i];
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        StartedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        _process = NodeProcess.Start(Directory,
            ["run", "--name", Name, "--http-bind", "127.0.0.1", "--discovery", "lan", .. _arguments], environment, Host.Namespace, isolateMesh: false);
        await _process.WaitForListeningAsync(TimeSpan.FromSeconds(60), cancellationToken);
        StartupTime = clock.Elapsed;
        File.Delete(CookieJar);
        if (identify)
        {
            await IdentifyAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Runs <c>meshmind ARGS</c> to completion on the node's host, in its working directory (so with its data directory), as a person
    /// at that machine would: <c>join CODE</c>, say, before the node's first start.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        await using var process = NodeProcess.Start(Directory, arguments, Environment(), Host.Namespace, isolateMesh: false);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return (process.ExitCode ?? -1, process.Output);
    }

    /// <summary>The data directory's <c>p2p_secret.txt</c>, one secret a line (current first); empty when there is none.</summary>
    public IReadOnlyList<string> SecretFileLines()
    {
        var path = Path.Combine(Directory, "meshmind-data", "p2p_secret.txt");
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
    }

    /// <summary>Logs in and learns the node's id from <c>/api/status</c>.</summary>
    public async Task IdentifyAsync(CancellationToken cancellationToken = default)
    {
        var status = await GetJsonAsync("/api/status", cancellationToken);
        NodeId = status?.GetProperty("node_id").GetString();
    }

    /// <summary>kill -9: the process dies with no goodbye.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    /// <summary>The node's peers by node id with their link state, or null when the node does not answer.</summary>
    public async Task<Dictionary<string, string>?> LinkStatesAsync(CancellationToken cancellationToken = default)
    {
        var peers = await GetJsonAsync("/api/peers", cancellationToken);
        return peers?.EnumerateArray().ToDictionary(p => p.GetProperty("node_id").GetString()!, p => p.GetProperty("link_state").GetString()!);
    }

    public async Task<JsonElement?> GetJsonAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!await LogInAsync(cancellationToken))
        {
            return null;
        }

        var (code, output, _) = await CurlAsync(["-b", CookieJar, "http://127.0.0.1:8080" + path], cancellationToken);
        if (code != 0 || output.Length == 0)
        {
            return null;
        }

        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// POSTs <paramref name="json"/> and returns whatever came back, error statuses included, the whole body once it ends
    /// (an NDJSON stream too). A request that takes longer than <paramref name="timeout"/> is cut off (<see cref="LabResponse.CurlExitCode"/> 28).
    /// <paramref name="onLine"/>, if given, gets each line of the body as it arrives (then the status), to act in the middle of a stream.
    /// </summary>
    public async Task<LabResponse> PostJsonAsync(string path, string json, TimeSpan timeout, Action<string>? onLine = null,
        CancellationToken cancellationToken = default)
    {
        if (!await LogInAsync(cancellationToken))
        {
            return new LabResponse(0, "", -1, "could not log in");
        }

        var seconds = timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var (code, output, error) = await Command.RunAsync("ip",
            ["netns", "exec", Host.Namespace, "curl", "-s", "-S", "-N", "-m", seconds, "-b", CookieJar, "-X", "POST", "-H", "Content-Type: application/json",
                "-d", json, "-w", "\n%{http_code}", "http://127.0.0.1:8080" + path], onLine, cancellationToken);
        // -w puts the status on a line of its own after the body, also after a cut-off one (000 when nothing came back).
        var split = output.LastIndexOf('\n');
        var status = split >= 0 && int.TryParse(output.AsSpan(split + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return new LabResponse(status, output[..Math.Max(0, split)], code, error.Trim());
    }

    /// <summary>Uploads a file from this machine's disk (namespaces share the file system) as multipart field <c>file</c>; returns the HTTP status.</summary>
    public Task<int> UploadAsync(string localPath, string fileName, CancellationToken cancellationToken = default) =>
        UploadAsync(localPath, fileName, null, cancellationToken);

    /// <summary>The same, for an upload that may take longer than the usual 3 s: up to <paramref name="timeout"/>.</summary>
    public async Task<int> UploadAsync(string localPath, string fileName, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        if (!await LogInAsync(cancellationToken))
        {
            return 0;
        }

        var (_, output, _) = await CurlAsync([.. MaxTime(timeout), "-b", CookieJar, "-o", "/dev/null", "-w", "%{http_code}", "-F", $"file=@{localPath};filename={fileName}",
            "http://127.0.0.1:8080/api/upload"], cancellationToken);
        return int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 0;
    }

    /// <summary>GETs <paramref name="path"/> into a file on this machine's disk; returns the HTTP status (0 when the transfer failed).</summary>
    public Task<int> DownloadAsync(string path, string outputPath, CancellationToken cancellationToken = default) =>
        DownloadAsync(path, outputPath, null, cancellationToken);

    /// <summary>The same, for a download that may take longer than the usual 3 s: up to <paramref name="timeout"/>.</summary>
    public async Task<int> DownloadAsync(string path, string outputPath, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        if (!await LogInAsync(cancellationToken))
        {
            return 0;
        }

        var (_, output, _) = await CurlAsync([.. MaxTime(timeout), "-b", CookieJar, "-o", outputPath, "-w", "%{http_code}", "http://127.0.0.1:8080" + path], cancellationToken);
        // -w prints the status also when curl reports an HTTP error; "000" (0) when nothing came back.
        return int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private string CookieJar => Path.Combine(Directory, "cookies.txt");

    private Dictionary<string, string> Environment() =>
        new(_environment ?? new Dictionary<string, string>()) { ["NODE_PASSWORD"] = Password };

    private async Task<bool> LogInAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(CookieJar))
        {
            return true;
        }

        var (login, _, _) = await CurlAsync(["-X", "POST", "-H", "Content-Type: application/json", "-c", CookieJar,
            "-d", $$"""{"username":"admin","password":"{{Password}}"}""", "http://127.0.0.1:8080/api/auth/login"], cancellationToken);
        return login == 0;
    }

    /// <summary>curl's <c>-m</c> for a transfer that may take longer than the usual 3 s (the last <c>-m</c> given is the one curl keeps).</summary>
    private static string[] MaxTime(TimeSpan? timeout) =>
        timeout is { } t ? ["-m", Math.Ceiling(t.TotalSeconds).ToString(CultureInfo.InvariantCulture)] : [];

    private Task<(int, string, string)> CurlAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        Command.RunAsync("ip", ["netns", "exec", Host.Namespace, "curl", "-s", "-f", "-m", "3", .. arguments], cancellationToken);
}
