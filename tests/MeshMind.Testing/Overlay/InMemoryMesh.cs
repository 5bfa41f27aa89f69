using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshMind.Infrastructure;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using MeshMind.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshMind.Testing.Overlay;

/// <summary>
/// Many nodes' link layer in one process (issue 20, the overlay simulation): each node has the node's own
/// <see cref="LinkManager"/>, <see cref="MeshLinks"/>, <see cref="Link"/>, <see cref="LinkCodec"/>, <see cref="PeerDirectory"/> and
/// <see cref="StaticPeers"/>, and an in-memory certificate for its node id; only the transport is not the node's: a dial
/// (<see cref="InMemoryDialer"/>) records the admission on both sides as the mesh port's join does, asks the target's
/// <see cref="LinkManager.Refuse"/> as the link endpoint does, and connects two WebSockets over in-memory pipes (no TLS, no
/// latency). Each node has an address 10.x.y.z and mesh port 7878.
/// </summary>
internal sealed class InMemoryMesh : IAsyncDisposable
{
    public const int MeshPort = 7878;
    private readonly Dictionary<IPAddress, SimNode> _byAddress = [];
    private readonly List<SimNode> _nodes = [];
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("meshmind-overlay-").FullName;
    private readonly Database _database;
    private readonly StaticPeerStore _store;

    public InMemoryMesh(TimeSpan pingInterval, int maxLinks)
    {
        PingInterval = pingInterval;
        MaxLinks = maxLinks;
        _database = new Database(new DataDirectory(Options.Create(new NodeOptions { DataDir = _dataDir })), NullLogger<Database>.Instance);
        _store = new StaticPeerStore(_database, TimeProvider.System);
    }

    public TimeSpan PingInterval { get; }

    public int MaxLinks { get; }

    public IReadOnlyList<SimNode> Nodes => _nodes;

    /// <summary>Adds a node (not started) that knows <paramref name="seed"/> as its one static peer, if any.</summary>
    public SimNode Add(SimNode? seed)
    {
        var index = _nodes.Count + 1;
        var address = new IPAddress([10, (byte)(index >> 16), (byte)(index >> 8), (byte)index]);
        var options = Options.Create(new MeshOptions
        {
            PingInterval = PingInterval,
            MaxLinks = MaxLinks,
            Peers = seed is null ? [] : [$"{seed.Address}:{MeshPort}"],
        });
        var node = new SimNode(this, $"sim-{index}", address, options, _metrics.GetRequiredService<IMeterFactory>(), _database, _store);
        _nodes.Add(node);
        lock (_byAddress)
        {
            _byAddress[address] = node;
        }

        return node;
    }

    internal SimNode? Find(string host) =>
        IPAddress.TryParse(host, out var address) && _byAddress.TryGetValue(address, out var node) && node.Running ? node : null;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.StopAsync()));
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        await _metrics.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}

/// <summary>One simulated node: its real link layer and the counters the simulation reads.</summary>
internal sealed class SimNode : IDisposable
{
    private readonly SimLifetime _lifetime = new();
    private readonly NodeIdentity _identity;
    private long _messagesSent;

    public SimNode(InMemoryMesh mesh, string name, IPAddress address, IOptions<MeshOptions> options, IMeterFactory meters, Database database, StaticPeerStore store)
    {
        Address = address;
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=meshmind-node", key, HashAlgorithmName.SHA256);
            _identity = new NodeIdentity(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)));
        }

        var time = TimeProvider.System;
        Info = new NodeInfo(_identity, Options.Create(new NodeOptions { Name = name }), time);
        Peers = new PeerDirectory(time);
        Links = new MeshLinks(Info);
        var server = new SimServer(address);
        Manager = new LinkManager(new InMemoryDialer(mesh, this), Links, new LinkCodec([]), [], [], Peers,
            new StaticPeers(options, database, store, time), Info, new BoundEndpoints(server), options,
            new MeshMetrics(meters, Peers, new MeshConnectionGate(options, time, NullLogger<MeshConnectionGate>.Instance)),
            new TrafficMetrics(meters), _lifetime, time, NullLogger<LinkManager>.Instance);
    }

    public string NodeId => Info.NodeId;

    public IPAddress Address { get; }

    public NodeInfo Info { get; }

    public PeerDirectory Peers { get; }

    public MeshLinks Links { get; }

    public LinkManager Manager { get; }

    public bool Running { get; private set; }

    /// <summary>Link messages this node sent (pings, pongs, hellos, peer exchanges), on links it dialled and accepted.</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    internal CancellationToken Stopping => _lifetime.ApplicationStopping;

    internal void CountSent() => Interlocked.Increment(ref _messagesSent);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Running = true;
        await Manager.StartAsync(cancellationToken);
        _lifetime.Started();
    }

    public async Task StopAsync()
    {
        if (!Running)
        {
            return;
        }

        Running = false;
        _lifetime.StopApplication();
        await Manager.StopAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        Manager.Dispose();
        _lifetime.Dispose();
        _identity.Dispose();
    }

    private sealed class SimServer : IServer
    {
        public SimServer(IPAddress address)
        {
            var addresses = new ServerAddressesFeature();
            addresses.Addresses.Add($"http://{address}:8080");
            addresses.Addresses.Add($"https://{address}:{InMemoryMesh.MeshPort}");
            Features.Set<IServerAddressesFeature>(addresses);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    private sealed class SimLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _stopped = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => _stopped.Token;

        public void Started() => _started.Cancel();

        public void StopApplication() => _stopping.Cancel();

        public void Dispose()
        {
            _started.Dispose();
            _stopping.Dispose();
            _stopped.Dispose();
        }
    }
}

/// <summary>
/// A dial in the simulation: what the mesh port does for a real one, minus TLS and HTTP. The target's admission is recorded on
/// both sides (<see cref="PeerDirectory.Admit"/>, as <c>MeshDialer</c> and the <c>Admitter</c> do), a target past its degree
/// refuses with its sample of peers (as <c>/mesh/link</c> does), and otherwise the link's two WebSockets are connected.
/// </summary>
internal sealed class InMemoryDialer(InMemoryMesh mesh, SimNode self) : ILinkDialer
{
    public Task<DialedLink> DialLinkAsync(string host, int port, string? expectedNodeId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (port != InMemoryMesh.MeshPort || mesh.Find(host) is not { } target)
        {
            throw new HttpRequestException($"{host}:{port}: connection refused");
        }

        if (expectedNodeId is not null && target.NodeId != expectedNodeId)
        {
            throw new HttpRequestException($"{host}:{port} did not present the identity it claims");
        }

        if (target == self)
        {
            throw new HttpRequestException($"{host}:{port} is this node itself");
        }

        self.Peers.Admit(target.NodeId, target.Info.Name, target.Address, port);
        target.Peers.Admit(self.NodeId, self.Info.Name, self.Address);
        if (target.Manager.Refuse(self.NodeId) is { } others)
        {
            throw new LinkRefusedException($"{host}:{port} has as many links as it accepts", others);
        }

        var (client, server) = InMemoryStreams.WebSocketPair(self.CountSent, target.CountSent);
        _ = Task.Run(async () =>
        {
            using (server)
            {
                await target.Manager.AcceptAsync(self.NodeId, server, self.Address, target.Stopping);
            }
        }, CancellationToken.None);
        return Task.FromResult(new DialedLink(target.NodeId, target.Info.Name, client, target.Address, client));
    }
}
