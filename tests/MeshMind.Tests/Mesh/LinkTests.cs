using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MeshMind.Tests.Mesh;

/// <summary>Real nodes in this process linking over the mutual-TLS mesh port on 127.0.0.1.</summary>
public sealed class LinkTests
{
    private const string Secret = "link-test-secret-0123456789abcdef";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private static Task<TestNode> StartAsync(string name, int? discoveryPort = null, string secret = Secret, string[]? peers = null,
        Dictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var flags = new Dictionary<string, string?>
        {
            ["Node:Name"] = name,
            ["Mesh:PingInterval"] = "00:00:00.200",
            ["Discovery:Mode"] = discoveryPort is null ? "off" : "loopback",
            ["Discovery:Port"] = (discoveryPort ?? 5000).ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < (peers?.Length ?? 0); i++)
        {
            flags[$"Mesh:Peers:{i}"] = peers![i];
        }

        foreach (var (key, value) in extra ?? [])
        {
            flags[key] = value;
        }

        return TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = secret }, commandLine: flags, services: services);
    }

    private static T Service<T>(TestNode node) where T : notnull => node.App.Services.GetRequiredService<T>();

    private static string Id(TestNode node) => Service<MeshMind.Node.NodeInfo>(node).NodeId;

    private static string MeshAddress(TestNode node) => $"127.0.0.1:{Service<BoundEndpoints>(node).MeshPort}";

    private static bool LinkedTo(TestNode node, TestNode other) =>
        Service<PeerDirectory>(node).Find(Id(other)) is { LinkState: LinkState.Up, RttMs: not null };

    [Fact]
    public async Task PeersApi_TellsEachPeersOwnLinks_AndForgetsALinkThatWentDown()
    {
        // Issue 16, point 8: the Network screen draws links between two peers from what each peer says it is linked to.
        await using var a = await StartAsync("a");
        await using var b = await StartAsync("b", peers: [MeshAddress(a)]);
        var c = await StartAsync("c", peers: [MeshAddress(a)]);
        var (idB, idC) = (Id(b), Id(c));
        foreach (var (node, other) in new[] { (a, b), (a, c), (b, c), (c, b) })
        {
            await Wait.UntilAsync(() => LinkedTo(node, other), s_timeout, $"{Id(node)[..6]} linked to {Id(other)[..6]}"); // c meets b through a
        }

        using var client = await a.CreateLoggedInClientAsync();
        async Task<Dictionary<string, string[]>> LinksAsync() =>
            (await (await client.GetAsync("/api/peers", TestContext.Current.CancellationToken)).JsonAsync()).EnumerateArray().ToDictionary(
                p => p.GetProperty("node_id").GetString()!, p => p.GetProperty("links").EnumerateArray().Select(l => l.GetString()!).ToArray());
        await Wait.UntilAsync(async () => await LinksAsync() is var links && links[idB].SequenceEqual([idC]) && links[idC].SequenceEqual([idB]),
            s_timeout, "a to hear that b and c are linked to each other");

        await c.DisposeAsync();

        await Wait.UntilAsync(async () => await LinksAsync() is var links && links[idB].Length == 0 && links[idC].Length == 0, s_timeout,
            "a to hear that b lost its link to c");
    }

    /// <summary>Holds the host's stop (it stops before the node's own services) until released.</summary>
    private sealed class StopGate : IHostedService
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Release.Task.WaitAsync(cancellationToken);
    }

    [Fact]
    public async Task StoppingNode_StopsDiallingAtOnce_AndMakesNoLinkWhileItsOtherServicesStop()
    {
        // Seen under load (issue 14): a node on its way out had its links closed by ApplicationStopping, but its dial loop ran
        // until the link manager's own turn to stop, redialled its peer and the peer briefly saw it linked again.
        var gate = new StopGate();
        await using var b = await StartAsync("b");
        var a = await StartAsync("a", peers: [MeshAddress(b)], services: s => s.AddHostedService(_ => gate));
        await Wait.UntilAsync(() => LinkedTo(a, b) && LinkedTo(b, a), s_timeout, "a and b linked");
        var manager = Service<LinkManager>(a);

        var stopping = a.App.StopAsync(TestContext.Current.CancellationToken);
        try
        {
            // The gate holds the host's stop before the link manager's turn: its loop must end on ApplicationStopping alone.
            await Wait.UntilAsync(() => manager.ExecuteTask is { IsCompleted: true }, s_timeout, "a's dial loop to end while a stops");
            Assert.False(stopping.IsCompleted);
            Assert.Empty(Service<MeshLinks>(a).All());
            Assert.NotEqual(LinkState.Up, Service<PeerDirectory>(a).Find(Id(b))?.LinkState);
        }
        finally
        {
            gate.Release.TrySetResult();
            await stopping;
            await a.DisposeAsync();
        }
    }

    /// <summary>
    /// Mesh:MaxLinks over the real mesh port: a hub taking 2 links dialled to it answers the third dialler's <c>/mesh/link</c> with
    /// 503 and a sample of its peers; the refused node, which knew only the hub, links to one of them.
    /// </summary>
    [Fact]
    public async Task MaxLinks_HubFull_RefusesWithItsPeers_AndTheRefusedLinksToOne()
    {
        Dictionary<string, string?> degree = new() { ["Mesh:MaxLinks"] = "1" };
        await using var hub = await StartAsync("hub", extra: degree);
        string[] viaHub = [MeshAddress(hub)];
        await using var a = await StartAsync("a", peers: viaHub, extra: degree);
        await using var b = await StartAsync("b", peers: viaHub, extra: degree);
        await using var c = await StartAsync("c", peers: viaHub, extra: degree);
        TestNode[] spokes = [a, b, c];

        static bool Refused(TestNode node) => Service<LinkManager>(node).DialStatuses()
            .Any(d => d.Static && d.LastError?.Contains("as many links as it accepts", StringComparison.Ordinal) == true);
        bool DialledPastHub(TestNode node) => Service<MeshLinks>(node).All().Any(l => l.Leads && l.RemoteNodeId != Id(hub));
        await Wait.UntilAsync(() => spokes.Any(n => Refused(n) && DialledPastHub(n)), s_timeout, "a spoke the hub refused linked to another spoke");

        Assert.InRange(Service<MeshLinks>(hub).CountByDialler().Accepted, 1, LinkManager.AcceptFactor);
    }

    [Fact]
    public async Task ThreeNodes_LoopbackDiscovery_FullMeshWithRtt()
    {
        var port = FreePort.Udp();
        await using var a = await StartAsync("a", port);
        await using var b = await StartAsync("b", port);
        await using var c = await StartAsync("c", port);
        TestNode[] nodes = [a, b, c];

        foreach (var node in nodes)
        {
            foreach (var other in nodes.Where(n => n != node))
            {
                await Wait.UntilAsync(() => LinkedTo(node, other), s_timeout, $"{Id(node)[..6]} linked to {Id(other)[..6]}");
            }
        }

        using var client = await a.CreateLoggedInClientAsync();
        var status = await (await client.GetAsync("/api/status", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(2, status.GetProperty("peer_count").GetInt32());
        var peers = await (await client.GetAsync("/api/peers", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.All(peers.EnumerateArray(), p =>
        {
            Assert.Equal("up", p.GetProperty("link_state").GetString());
            Assert.True(p.GetProperty("rtt_ms").GetDouble() >= 0);
            Assert.NotEqual(0, p.GetProperty("mesh_port").GetInt32());
        });
    }

    [Fact]
    public async Task StaticPeer_DiscoveryOff_Links_AndNamesArrive()
    {
        await using var a = await StartAsync("static-a");
        await using var b = await StartAsync("static-b", peers: [MeshAddress(a)]);

        await Wait.UntilAsync(() => LinkedTo(a, b) && LinkedTo(b, a), s_timeout, "the static link");

        Assert.Equal("static-b", Service<PeerDirectory>(a).Find(Id(b))!.Name);
        Assert.Equal("static-a", Service<PeerDirectory>(b).Find(Id(a))!.Name);
    }

    [Fact]
    public async Task PeerExchange_TwoNodesKnowingOnlyAHub_LinkToEachOther()
    {
        await using var hub = await StartAsync("hub");
        await using var b = await StartAsync("spoke-b", peers: [MeshAddress(hub)]);
        await using var c = await StartAsync("spoke-c", peers: [MeshAddress(hub)]);

        await Wait.UntilAsync(() => LinkedTo(b, c) && LinkedTo(c, b), s_timeout, "the spokes to find each other through the hub");
    }

    [Fact]
    public async Task ReportedLinks_FollowASpokesLinks_UpAndDown()
    {
        await using var hub = await StartAsync("hub");
        await using var b = await StartAsync("spoke-b", peers: [MeshAddress(hub)]);
        var c = await StartAsync("spoke-c", peers: [MeshAddress(hub)]);
        var directory = Service<PeerDirectory>(hub);
        await Wait.UntilAsync(() => directory.ReportedLinks(Id(b)).Contains(Id(c)) && directory.ReportedLinks(Id(c)).Contains(Id(b)), s_timeout,
            "the hub to hear that the spokes linked to each other");

        // c goes: b tells the hub its link to c is gone (since issue 20 as a change, peer_changes, not its whole list again).
        var gone = Id(c);
        await c.DisposeAsync();

        await Wait.UntilAsync(() => !directory.ReportedLinks(Id(b)).Contains(gone), s_timeout, "b's change to reach the hub");
        Assert.DoesNotContain(Id(hub), directory.ReportedLinks(Id(b)));
    }

    [Fact]
    public async Task WrongSecret_NeverAdmitted_EitherDirection()
    {
        await using var good = await StartAsync("good");
        await using var intruder = await StartAsync("intruder", secret: "not-the-mesh-secret-0123456789", peers: [MeshAddress(good)]);
        await using var prober = await StartAsync("prober", peers: [MeshAddress(intruder)]);

        // The intruder dials the good node, the good node's friend dials the intruder: both are refused, repeatedly.
        await Wait.UntilAsync(() => Service<Admitter>(good).Refused >= 2 && Service<Admitter>(intruder).Refused >= 2, s_timeout,
            "admission to be refused on both sides");

        Assert.False(Service<PeerDirectory>(good).IsAdmitted(Id(intruder)));
        Assert.False(Service<PeerDirectory>(intruder).IsAdmitted(Id(good)));
        Assert.False(Service<PeerDirectory>(prober).IsAdmitted(Id(intruder)));
        Assert.Equal(0, Service<PeerDirectory>(good).LinkedCount);
        Assert.Equal(0, Service<PeerDirectory>(intruder).LinkedCount);
    }

    [Fact]
    public async Task Revoke_CutsLink_AndKeepsItCut()
    {
        await using var a = await StartAsync("keeper");
        await using var b = await StartAsync("revoked", peers: [MeshAddress(a)]);
        await Wait.UntilAsync(() => LinkedTo(a, b) && LinkedTo(b, a), s_timeout, "the link");
        using var client = await a.CreateLoggedInClientAsync();

        var revoke = await client.PostAsync($"/api/peers/{Id(b)}/revoke", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await Wait.UntilAsync(() => Service<PeerDirectory>(b).Find(Id(a))?.LinkState is LinkState.Down or LinkState.Connecting, s_timeout,
            "the revoked side to see the link go");
        var refusedBefore = Service<Admitter>(a).Refused;
        await Wait.UntilAsync(() => Service<Admitter>(a).Refused >= refusedBefore + 2, s_timeout, "the revoked node to try again and be refused");
        Assert.NotEqual(LinkState.Up, Service<PeerDirectory>(a).Find(Id(b))!.LinkState);
        Assert.False(Service<MeshLinks>(a).IsLinked(Id(b)));
        Assert.Equal(0, Service<PeerDirectory>(a).LinkedCount);
    }

    [Fact]
    public async Task StoppedNode_MarkedDown()
    {
        await using var a = await StartAsync("survivor");
        var b = await StartAsync("stopper", peers: [MeshAddress(a)]);
        var stopped = Id(b);
        await Wait.UntilAsync(() => LinkedTo(a, b), s_timeout, "the link");

        await b.DisposeAsync();

        await Wait.UntilAsync(() => Service<PeerDirectory>(a).Find(stopped)?.LinkState is LinkState.Down or LinkState.Connecting, s_timeout,
            "the stopped node's link to drop");
    }

    [Fact]
    public async Task DialInProgress_ShowsConnecting_ThenDownWhenItFails()
    {
        var port = FreePort.Udp();
        await using var node = await StartAsync("dialer", port);
        // A "peer" that accepts TCP on its mesh port but never answers TLS, so the dial hangs until we close it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = silent.AcceptSocketAsync(TestContext.Current.CancellationToken);
        var phantom = new string('f', 64);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };

        // Announce the phantom until the node reacts: its discovery socket opens only once the host has started.
        await Wait.UntilAsync(async () =>
        {
            var announcement = new MeshMind.Discovery.Announcement(MeshMind.Discovery.Announcement.Online, 1, phantom, "abcd", "phantom",
                ((IPEndPoint)silent.LocalEndpoint).Port, 1, false, "", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await sender.SendToAsync(MeshMind.Discovery.DiscoveryCodec.Encode(announcement, MeshKeys.Derive(Secret)), SocketFlags.None,
                new IPEndPoint(IPAddress.Parse("127.255.255.255"), port), TestContext.Current.CancellationToken);
            return Service<PeerDirectory>(node).Find(phantom)?.LinkState == LinkState.Connecting;
        }, s_timeout, "the dial to show as connecting");
        using (var socket = await accepted)
        {
            socket.Close();
        }

        silent.Stop();
        await Wait.UntilAsync(() => Service<PeerDirectory>(node).Find(phantom)?.LinkState == LinkState.Down, s_timeout, "the failed dial to show as down");
    }

    [Fact]
    public async Task AttackerHoldingTheAddressCap_HonestPeerFromTheSameAddressStillLinks()
    {
        // Issue 14, finding 11. Loopback puts the attacker and the honest node on one address, as NAT or several nodes on
        // one host would. Before, the newest connection over the cap was refused: the holder kept the cap and B never got in.
        await using var a = await StartAsync("gated", extra: new()
        {
            ["Mesh:MaxUnauthenticatedConnectionsPerAddress"] = "4",
            ["Mesh:HandshakeTimeout"] = "00:00:04",
        });
        var gate = Service<MeshConnectionGate>(a);
        using var stopHolding = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var holder = HoldAsync(Service<BoundEndpoints>(a).MeshPort, 4, stopHolding.Token);
        await Wait.UntilAsync(() => gate.Pending == 4, s_timeout, "the attacker to hold the cap");

        await using var b = await StartAsync("honest", peers: [MeshAddress(a)]);

        try
        {
            await Wait.UntilAsync(() => LinkedTo(a, b) && LinkedTo(b, a), s_timeout, "the honest node to link through the held cap");
        }
        finally
        {
            await stopHolding.CancelAsync();
        }

        var opened = await holder;
        Assert.True(gate.Dropped(GateDropReason.EvictedAddressCap) >= 1);
        Assert.True(opened > 4, $"the attacker opened only {opened} connections: it never had to open one again");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"attacker opened {opened} connections; gate: {string.Join(", ", gate.DroppedByReason().Select(d => $"{d.Reason} {d.Count}"))}");
    }

    /// <summary>
    /// Holds <paramref name="places"/> plain TCP connections to <paramref name="port"/> that never start TLS, each opened
    /// again the moment the node closes it. Returns how many it opened.
    /// </summary>
    private static async Task<int> HoldAsync(int port, int places, CancellationToken cancellationToken)
    {
        var opened = 0;
        await Task.WhenAll(Enumerable.Range(0, places).Select(async _ =>
        {
            var buffer = new byte[16];
            while (!cancellationToken.IsCancellationRequested)
            {
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    Interlocked.Increment(ref opened);
                    while (await ReadOrResetAsync(client.GetStream(), buffer, cancellationToken) > 0)
                    {
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (SocketException)
                {
                    // Reset while connecting: open it again.
                }
            }
        }));
        return opened;
    }

    private static async Task<int> ReadOrResetAsync(NetworkStream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            return 0; // reset by the server: closed all the same
        }
    }
}
