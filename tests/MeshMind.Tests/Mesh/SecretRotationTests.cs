using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Tests.Mesh;

/// <summary>
/// Admission follows the secrets in force (DESIGN §10): a certificate pinned under a secret that a node no longer accepts
/// is refused on every new connection, however long ago it was admitted; a secret still listed keeps it in.
/// </summary>
public sealed class SecretRotationTests
{
    private const string OldSecret = "rotation-old-secret-0123456789abcdef";
    private const string NewSecret = "rotation-new-secret-0123456789abcdef";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private static readonly string[] s_peerGets = ["/mesh/files", "/api/tags", "/api/version", "/api/ps", "/mesh/link"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static T Service<T>(TestNode node) where T : notnull => node.App.Services.GetRequiredService<T>();

    private static string Id(TestNode node) => Service<NodeInfo>(node).NodeId;

    /// <summary>Two nodes on fixed loopback ports, so either can come back where the other expects it.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly TempDirectory _directory = new();

        public int PortA { get; } = FreePort.Tcp();

        public int PortB { get; } = FreePort.Tcp();

        public TestNode? A { get; set; }

        public TestNode? B { get; set; }

        /// <summary>Starts A (which dials B as a static peer) with its own data directory, kept across restarts.</summary>
        public async Task<TestNode> StartAAsync(string secret, string? previous = null) =>
            A = await StartAsync("a", _directory.Combine("a", "data"), PortA, secret, previous, peer: PortB);

        public async Task<TestNode> StartBAsync(string secret, string? previous = null) =>
            B = await StartAsync("b", _directory.Combine("b", "data"), PortB, secret, previous, peer: null);

        public async Task StopAsync(TestNode node)
        {
            await node.DisposeAsync();
            if (node == A)
            {
                A = null;
            }
            else
            {
                B = null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var node in new[] { A, B }.OfType<TestNode>())
            {
                await node.DisposeAsync();
            }

            _directory.Dispose();
        }

        private static Task<TestNode> StartAsync(string name, string dataDir, int meshPort, string secret, string? previous, int? peer)
        {
            Directory.CreateDirectory(dataDir);
            var flags = new Dictionary<string, string?>
            {
                ["Node:Name"] = name,
                ["Mesh:Port"] = meshPort.ToString(CultureInfo.InvariantCulture),
                ["Mesh:PingInterval"] = "00:00:00.200",
            };
            if (previous is not null)
            {
                flags["Mesh:PreviousSecrets:0"] = previous;
            }

            if (peer is { } port)
            {
                flags["Mesh:Peers:0"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
            }

            return TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = secret }, commandLine: flags, dataDir: dataDir);
        }
    }

    private static bool Linked(TestNode node, TestNode other) => Service<MeshLinks>(node).IsLinked(Id(other));

    private static Task UntilLinkedAsync(TestNode a, TestNode b) =>
        Wait.UntilAsync(() => Linked(a, b) && Linked(b, a), s_timeout, "the link between a and b");

    /// <summary>A and B linked under the old secret (so each has pinned the other), then B stopped.</summary>
    private static async Task<Pair> AdmittedUnderTheOldSecretAsync()
    {
        var pair = new Pair();
        var b = await pair.StartBAsync(OldSecret);
        var a = await pair.StartAAsync(OldSecret);
        await UntilLinkedAsync(a, b);
        await pair.StopAsync(b);
        return pair;
    }

    /// <summary>Refused: a 403, or the connection closed before any answer.</summary>
    private static async Task<bool> RefusedAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            return response.StatusCode == HttpStatusCode.Forbidden;
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }

    /// <summary>A and B link, and each serves the other's peer endpoints.</summary>
    private static async Task LinkedAndServingBothWaysAsync(Pair pair, TestNode a, TestNode b)
    {
        await UntilLinkedAsync(a, b);
        using var files = await PeerClient(a, b, pair.PortB).GetAsync("/mesh/files", Ct);
        Assert.Equal(HttpStatusCode.OK, files.StatusCode);
        using var back = await PeerClient(b, a, pair.PortA).GetAsync("/mesh/files", Ct);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    private static HttpClient PeerClient(TestNode from, TestNode to, int port) =>
        Service<PeerHttpClients>(from).HttpFor(Id(to), IPAddress.Loopback, port);

    [Fact]
    public async Task RestartedWithOnlyANewSecret_PeerPinnedUnderTheOld_RefusedOnEveryPeerEndpoint_AndNeverLinked()
    {
        await using var pair = await AdmittedUnderTheOldSecretAsync();
        var b = await pair.StartBAsync(NewSecret);
        var a = pair.A!;
        // The pin is still there: what keeps A out is the secret, not a forgotten admission.
        Assert.True(Service<PeerDirectory>(b).IsAdmitted(Id(a)));

        // The link WebSocket opened directly with A's certificate, skipping the join.
        using (var handler = MeshClientHandler.Create(Service<NodeIdentity>(a), Service<ConnectionProver>(a), _ => true))
        using (var socket = new ClientWebSocket())
        {
            socket.Options.HttpVersion = HttpVersion.Version11;
            await Assert.ThrowsAnyAsync<WebSocketException>(() => socket.ConnectAsync(
                new Uri($"wss://127.0.0.1:{pair.PortB.ToString(CultureInfo.InvariantCulture)}/mesh/link"),
                new HttpMessageInvoker(handler, disposeHandler: false), Ct));
        }

        Assert.False(Linked(b, a));
        var client = PeerClient(a, b, pair.PortB);

        foreach (var path in s_peerGets)
        {
            Assert.True(await RefusedAsync(() => client.GetAsync(path, Ct)), $"GET {path} was served to a peer without the secret");
        }

        Assert.True(await RefusedAsync(() => client.PostAsJsonAsync("/api/chat", new { model = "m", messages = Array.Empty<object>() }, Ct)),
            "POST /api/chat was served to a peer without the secret");

        // A keeps dialling B (a static peer) and is refused each time.
        var refused = Service<Admitter>(b).Refused;
        await Wait.UntilAsync(() => Service<Admitter>(b).Refused >= refused + 2, s_timeout, "A's dials to be refused");
        Assert.False(Linked(a, b));
        Assert.False(Linked(b, a));
        Assert.Equal(0, Service<PeerDirectory>(b).LinkedCount);
    }

    [Fact]
    public async Task RestartedWithTheNewSecretAndTheOldAsPrevious_PeerWithOnlyTheOld_ServedAndLinked()
    {
        await using var pair = await AdmittedUnderTheOldSecretAsync();
        var b = await pair.StartBAsync(NewSecret, previous: OldSecret);
        var a = pair.A!;

        await LinkedAndServingBothWaysAsync(pair, a, b);
    }

    [Fact]
    public async Task PeerListingTheNewSecretAsPrevious_DialsANodeWithOnlyTheNew_ServedAndLinked()
    {
        // The rollout seen from a node not yet switched: it still signs with the old secret but already lists the new one.
        await using var pair = await AdmittedUnderTheOldSecretAsync();
        await pair.StopAsync(pair.A!);
        var b = await pair.StartBAsync(NewSecret);
        var a = await pair.StartAAsync(OldSecret, previous: NewSecret);

        await LinkedAndServingBothWaysAsync(pair, a, b);
    }

    [Fact]
    public async Task BothMovedToTheNewSecret_LinkAgainAndServe()
    {
        await using var pair = await AdmittedUnderTheOldSecretAsync();
        await pair.StopAsync(pair.A!);
        var b = await pair.StartBAsync(NewSecret);
        var a = await pair.StartAAsync(NewSecret);

        await UntilLinkedAsync(a, b);
        using var files = await PeerClient(a, b, pair.PortB).GetAsync("/mesh/files", Ct);
        Assert.Equal(HttpStatusCode.OK, files.StatusCode);
    }
}
