using System.Diagnostics.Metrics;
using System.Net;
using MeshMind.Infrastructure;
using MeshMind.Llm;
using MeshMind.Llm.Local;
using MeshMind.Llm.Peers;
using MeshMind.Llm.Routing;
using MeshMind.Llm.Scheduling;
using MeshMind.Mesh;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using MeshMind.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshMind.Bench.Llm;

/// <summary>
/// The pieces of a node that routing needs, built in this process without a host: an identity (so peers' mesh ports
/// accept its client certificate), a local LLM that has none (nothing probes it), and the clients for peers' LLMs.
/// Routers are made on demand over any <see cref="PeerDirectory"/>, so each measurement can start with fresh breakers.
/// </summary>
internal sealed class InProcessNode : IDisposable
{
    private readonly string _directory;
    private readonly DataDirectory _data;
    private readonly IOptions<NodeOptions> _nodeOptions;
    private readonly IOptions<LlmOptions> _llmOptions = Options.Create(new LlmOptions { OllamaUrl = "http://127.0.0.1:9" });

    private readonly MeshKeys _keys;
    private readonly ConnectionProver _prover;

    /// <param name="name">The node's name.</param>
    /// <param name="secret">The mesh secret it proves on every connection to a peer's mesh port.</param>
    public InProcessNode(string name, string secret = BenchNode.Secret)
    {
        _directory = Directory.CreateTempSubdirectory("meshmind-bench-").FullName;
        _nodeOptions = Options.Create(new NodeOptions { Name = name, DataDir = Path.Combine(_directory, "data") });
        _data = new DataDirectory(_nodeOptions);
        Identity = new NodeIdentity(_data, TimeProvider.System);
        Info = new NodeInfo(Identity, _nodeOptions, TimeProvider.System);
        var meters = _meters.GetRequiredService<IMeterFactory>();
        Calls = new OutboundCallMetrics(meters, new TrafficMetrics(meters));
        Metrics = new LlmMetrics(meters);
        Local = new LocalLlm(_llmOptions, Info, Calls, TimeProvider.System);
        _keys = new MeshKeys(Options.Create(new MeshOptions { Secret = secret }), _data, new NodeConsole(TextWriter.Null));
        _prover = new ConnectionProver(Info, _keys, Options.Create(new MeshOptions()), TimeProvider.System);
        Clients = new PeerHttpClients(Identity, _prover, Calls, _keys, TimeProvider.System);
    }

    public NodeIdentity Identity { get; }

    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public OutboundCallMetrics Calls { get; }

    public LlmMetrics Metrics { get; }

    public NodeInfo Info { get; }

    public LocalLlm Local { get; }

    public PeerHttpClients Clients { get; }

    /// <summary>The hosts this node could route to: itself (no LLM) and <paramref name="peers"/>, with fresh health (closed breakers).</summary>
    public LlmHosts Hosts(LinkedPeers peers, HostHealth? health = null) =>
        new(Local, peers.Directory, peers.Llms, health ?? new HostHealth(TimeProvider.System), _llmOptions);

    /// <summary>A router over <paramref name="peers"/> with fresh host health, so every measurement starts with closed breakers.</summary>
    public LlmRouter Router(LinkedPeers peers, ILogger<LlmRouter>? logger = null)
    {
        var health = new HostHealth(TimeProvider.System);
        var scheduler = new LlmScheduler(new HostSlots(Local, health), _llmOptions, TimeProvider.System, NullLogger<LlmScheduler>.Instance);
        return new(Hosts(peers, health), Local, health, scheduler, Clients, Metrics, [Metrics, health, Local, scheduler], _llmOptions, TimeProvider.System,
            logger ?? NullLogger<LlmRouter>.Instance);
    }

    /// <summary>
    /// Joins a real node through its mesh port with this node's secret, as a node dialling a static peer does, so that
    /// node admits this identity and serves it the Ollama contract. The link socket is closed at once: serving needs admission only.
    /// </summary>
    public async Task JoinAsync(int meshPort, string expectedNodeId, CancellationToken cancellationToken)
    {
        var database = new Database(_data, NullLogger<Database>.Instance);
        await database.MigrateAsync(Migrations.All, cancellationToken);
        var dialer = new MeshDialer(Identity, _prover, Info, _keys, new PeerDirectory(TimeProvider.System), new PeerStore(database, TimeProvider.System), TimeProvider.System);
        var dialed = await dialer.DialAsync("127.0.0.1", meshPort, expectedNodeId, cancellationToken);
        dialed.Socket.Abort();
        dialed.Socket.Dispose();
        dialed.Handler.Dispose();
    }

    public void Dispose()
    {
        Clients.Dispose();
        Local.Dispose();
        Identity.Dispose();
        _meters.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Peers as links and capability messages would leave them: in the directory, linked, and with an LLM that granted access.</summary>
internal sealed class LinkedPeers
{
    public PeerDirectory Directory { get; } = new(TimeProvider.System);

    public PeerLlms Llms { get; } = new();

    /// <summary>Makes <paramref name="nodeId"/> a linked peer that granted its LLM on <paramref name="port"/>.</summary>
    public void Add(string nodeId, string name, IPAddress address, int port, IReadOnlyList<ModelInfo> models, int inFlight = 0, double? ttftMs = null)
    {
        Directory.Admit(nodeId, name, address);
        Llms.Update(nodeId, new CapabilityMessage(HasLlm: true, models, inFlight, MaxParallel: 4, ttftMs, TokensPerS: null));
        Directory.SetLink(nodeId, LinkState.Up, 0.2);
        Llms.Grant(nodeId, granted: true, port);
    }
}
