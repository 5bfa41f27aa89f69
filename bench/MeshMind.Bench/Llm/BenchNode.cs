using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MeshMind.Testing;

namespace MeshMind.Bench.Llm;

/// <summary>
/// A real node process on 127.0.0.1 (HTTP and mesh ports ephemeral, discovery off) with a logged-in HTTP client.
/// </summary>
internal sealed partial class BenchNode : IAsyncDisposable
{
    public const string Password = "benchmark-password";
    public const string Secret = "llm-benchmark-secret-0123456789ab";
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    private readonly NodeProcess _process;
    private readonly string _directory;

    private BenchNode(NodeProcess process, string directory, HttpClient http, int meshPort, string nodeId, int processId)
    {
        _process = process;
        _directory = directory;
        Http = http;
        MeshPort = meshPort;
        NodeId = nodeId;
        ProcessId = processId;
    }

    /// <summary>Sends the session cookie with every request.</summary>
    public HttpClient Http { get; }

    public int MeshPort { get; }

    public string NodeId { get; }

    /// <summary>The node's process (<c>dotnet meshmind.dll</c>), for reading its CPU time.</summary>
    public int ProcessId { get; }

    public Uri Url(string path) => new(Http.BaseAddress!, path);

    // directory: one an earlier node used (its data directory kept, e.g. after KillAsync), or null for a fresh one.
    public static async Task<BenchNode> StartAsync(string name, string ollamaUrl, IEnumerable<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null, string? directory = null)
    {
        directory ??= Directory.CreateTempSubdirectory("meshmind-bench-").FullName;
        var dataDir = Path.Combine(directory, "data");
        var process = NodeProcess.Start(directory,
            ["run", "--name", name, "--data-dir", dataDir, "--http-port", "0", "--http-bind", "127.0.0.1",
                "--discovery", "off", "--ollama-url", ollamaUrl, .. arguments],
            new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["NODE_PASSWORD"] = Password, ["P2P_HMAC_SECRET"] = Secret });
        HttpClient? http = null;
        try
        {
            var address = await process.WaitForListeningAsync(s_limit, cancellationToken);
            var meshPort = int.Parse(MeshPortLine().Match(process.Output).Groups["port"].Value, CultureInfo.InvariantCulture);
            http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = address };
            using (var login = await http.PostAsJsonAsync("/api/auth/login", new Dictionary<string, string> { ["username"] = "admin", ["password"] = Password }, cancellationToken))
            {
                login.EnsureSuccessStatusCode();
                var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);
                http.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies));
            }

            using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/status", UriKind.Relative), cancellationToken));
            var nodeId = status.RootElement.GetProperty("node_id").GetString()!;
            return new BenchNode(process, directory, http, meshPort, nodeId, FindProcess(dataDir));
        }
        catch
        {
            http?.Dispose();
            await process.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Waits until this node's catalog (<c>/api/models</c>) lists <paramref name="model"/> served by <paramref name="hostId"/>.</summary>
    public async Task UntilServedByAsync(string hostId, string model, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using (var catalog = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/models", UriKind.Relative), cancellationToken)))
            {
                if (catalog.RootElement.EnumerateArray().Any(m => m.GetProperty("name").GetString() == model
                    && m.GetProperty("nodes").EnumerateArray().Any(h => h.GetProperty("node_id").GetString() == hostId)))
                {
                    return;
                }
            }

            if (clock.Elapsed > s_limit)
            {
                throw new TimeoutException($"node {NodeId[..12]} did not list {model} on {hostId[..12]} within {s_limit.TotalSeconds:0} s:\n{_process.Output}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The process whose command line holds <paramref name="dataDir"/> (unique: a fresh temp directory).</summary>
    private static int FindProcess(string dataDir)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0').Contains(dataDir))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // Gone meanwhile.
                }
                catch (UnauthorizedAccessException)
                {
                    // Not ours.
                }
            }
        }

        throw new InvalidOperationException($"no process runs with {dataDir}");
    }

    /// <summary>The directory holding the node's data directory, to start it again there.</summary>
    public string WorkDirectory => _directory;

    /// <summary>SIGKILL, as <c>kill -9</c>; the data directory is kept.</summary>
    public Task KillAsync() => _process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [GeneratedRegex(@"mesh port (?<port>\d+)")]
    private static partial Regex MeshPortLine();
}
