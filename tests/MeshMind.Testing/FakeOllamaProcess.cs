using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshMind.Testing;

/// <summary>
/// The scripted Ollama server (<c>MeshMind.FakeOllama</c>) as a process of its own, optionally inside a lab host's
/// namespace, where the node on that host finds it as its local LLM.
/// </summary>
public sealed class FakeOllamaProcess : IAsyncDisposable
{
    /// <summary>Ollama's own port: each lab host has its own loopback, so every host can use it.</summary>
    public const int DefaultPort = 11434;

    private readonly NodeProcess _process;
    private readonly string? _networkNamespace;

    private FakeOllamaProcess(NodeProcess process, Uri baseAddress, string? networkNamespace)
    {
        _process = process;
        BaseAddress = baseAddress;
        _networkNamespace = networkNamespace;
    }

    /// <summary>The fake Ollama build next to the calling assembly (projects using this reference <c>MeshMind.FakeOllama</c>).</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "MeshMind.FakeOllama.dll");

    /// <summary>Where it listens, as seen from its own namespace.</summary>
    public Uri BaseAddress { get; }

    public string Output => _process.Output;

    /// <summary>
    /// Starts the server on 127.0.0.1 (in <paramref name="networkNamespace"/> if given) and waits until it listens;
    /// <paramref name="extraArguments"/> are more of its flags (<c>--gpu-slots 1</c>, <c>--reply TEXT</c>, …; see its Program.cs).
    /// </summary>
    public static async Task<FakeOllamaProcess> StartAsync(string workingDirectory, string? networkNamespace, TimeSpan tokenDelay,
        IEnumerable<string>? models = null, int port = DefaultPort, IEnumerable<string>? extraArguments = null, CancellationToken cancellationToken = default)
    {
        List<string> arguments =
        [
            "--address", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--token-delay-ms", tokenDelay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        ];
        if (models is not null)
        {
            arguments.AddRange(["--models", string.Join(',', models)]);
        }

        arguments.AddRange(extraArguments ?? []);

        var process = NodeProcess.Start(Assembly, workingDirectory, arguments, environment: null, networkNamespace, isolateMesh: false);
        try
        {
            var address = await process.WaitForListeningAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return new FakeOllamaProcess(process, address, networkNamespace);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The body of the last chat or generate request the fake received, as it received it (its <see cref="FakeOllama.FakeOllamaServer.LastRequestPath"/>,
    /// fetched with curl inside its namespace); null before the first one or when it does not answer.
    /// </summary>
    public async Task<JsonObject?> LastRequestAsync(CancellationToken cancellationToken = default)
    {
        string[] curl = ["curl", "-s", "-f", "-m", "5", new Uri(BaseAddress, FakeOllama.FakeOllamaServer.LastRequestPath).ToString()];
        var (code, output, _) = _networkNamespace is null
            ? await Command.RunAsync(curl[0], curl[1..], cancellationToken)
            : await Command.RunAsync("ip", ["netns", "exec", _networkNamespace, .. curl], cancellationToken);
        return code == 0 && output.Length > 0 ? JsonNode.Parse(output) as JsonObject : null;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
