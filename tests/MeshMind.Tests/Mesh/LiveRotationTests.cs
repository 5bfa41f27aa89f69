using System.Globalization;
using System.Net;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Mesh;

/// <summary>
/// Rotating the secret while nodes run (<c>POST /api/mesh/secret/rotate</c>): linked peers get the new secret over their link and
/// keep their links when the old one is dropped; a node that did not get it is out once the grace period ends (DESIGN §10).
/// </summary>
public sealed class LiveRotationTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static T Service<T>(TestNode node) where T : notnull => node.App.Services.GetRequiredService<T>();

    private static string Id(TestNode node) => Service<NodeInfo>(node).NodeId;

    private static string[] SecretLines(string dataDir) => File.ReadAllLines(Path.Combine(dataDir, MeshKeys.SecretFileName));

    /// <summary>Two nodes sharing one secret in their own p2p_secret.txt, on fixed mesh ports; A dials B.</summary>
    private sealed class Pair(TimeSpan grace, TimeSpan ping) : IAsyncDisposable
    {
        private readonly TempDirectory _directory = new();

        public int PortA { get; private set; } = FreePort.Tcp();

        public int PortB { get; private set; } = FreePort.Tcp();

        public string DataA => _directory.Combine("a", "data");

        public string DataB => _directory.Combine("b", "data");

        public TestNode? A { get; private set; }

        public TestNode? B { get; private set; }

        /// <param name="grace">Mesh:SecretGracePeriod on both.</param>
        /// <param name="ping">The link's ping interval: short to see a dropped link soon; the default (5 s) where a drop from a
        /// loaded machine's missed pongs would be mistaken for one the rotation caused.</param>
        public static async Task<Pair> LinkedAsync(TimeSpan grace, TimeSpan? ping = null)
        {
            var pair = new Pair(grace, ping ?? TimeSpan.FromMilliseconds(200));
            foreach (var dir in new[] { pair.DataA, pair.DataB })
            {
                Directory.CreateDirectory(dir);
                await File.WriteAllTextAsync(Path.Combine(dir, MeshKeys.SecretFileName), "live-rotation-first-secret-0123456789\n", Ct);
            }

            // A port found free may be taken by a parallel test before the node binds it: on the first start, which nothing
            // depends on yet, another port is tried (restarts keep theirs, since the peer dials it).
            await FirstStartAsync(pair.StartBAsync, () => pair.PortB = FreePort.Tcp());
            await FirstStartAsync(() => pair.StartAAsync(), () => pair.PortA = FreePort.Tcp());
            await Wait.UntilAsync(() => pair.Linked, s_timeout, "a and b to link");
            return pair;
        }

        private static async Task FirstStartAsync(Func<Task> start, Action newPort)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await start();
                    return;
                }
                catch (IOException ex) when (attempt < 3 && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
                {
                    newPort();
                }
            }
        }

        public bool Linked => A is not null && B is not null && Service<MeshLinks>(A).IsLinked(Id(B)) && Service<MeshLinks>(B).IsLinked(Id(A));

        public async Task StartAAsync(TimeProvider? time = null) => A = await StartAsync("a", DataA, PortA, PortB, time);

        public async Task StartBAsync() => B = await StartAsync("b", DataB, PortB, peer: null, time: null);

        public async Task StopAAsync()
        {
            await A!.DisposeAsync();
            A = null;
        }

        public async Task StopBAsync()
        {
            await B!.DisposeAsync();
            B = null;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var node in new[] { A, B }.OfType<TestNode>())
            {
                await node.DisposeAsync();
            }

            _directory.Dispose();
        }

        private Task<TestNode> StartAsync(string name, string dataDir, int port, int? peer, TimeProvider? time)
        {
            var flags = new Dictionary<string, string?>
            {
                ["Node:Name"] = name,
                ["Mesh:Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["Mesh:PingInterval"] = ping.ToString("c", CultureInfo.InvariantCulture),
                ["Mesh:SecretGracePeriod"] = grace.ToString("c", CultureInfo.InvariantCulture),
            };
            if (peer is { } other)
            {
                flags["Mesh:Peers:0"] = $"127.0.0.1:{other.ToString(CultureInfo.InvariantCulture)}";
            }

            return TestNode.StartAsync(environment: [], commandLine: flags, dataDir: dataDir, time: time);
        }
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

    private static async Task<System.Text.Json.JsonElement> RotateAsync(TestNode node)
    {
        using var client = await node.CreateLoggedInClientAsync();
        using var response = await client.PostAsync("/api/mesh/secret/rotate", null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task Rotate_LinkedPeerGetsTheNewSecret_BothDropTheOldAfterTheGracePeriod_TheLinkNeverDrops()
    {
        // A rotation closes no link; a closed one shows at once, so pings need not be quick here (200 ms pings missed three
        // times under a CPU hog dropped the link, which this test then blamed on the rotation).
        await using var pair = await Pair.LinkedAsync(TimeSpan.FromSeconds(3), ping: TimeSpan.FromSeconds(5));
        var (a, b) = (pair.A!, pair.B!);
        var link = Service<MeshLinks>(a).All().Single();
        var old = SecretLines(pair.DataA)[0];

        var rotated = await RotateAsync(a);

        Assert.Equal(1, rotated.GetProperty("peers_sent").GetInt32());
        var fresh = SecretLines(pair.DataA)[0];
        Assert.NotEqual(old, fresh);
        Assert.Equal([fresh, old], SecretLines(pair.DataA));
        await Wait.UntilAsync(() => SecretLines(pair.DataB) is [var first, var second] && first == fresh && second == old, s_timeout,
            "b to keep the new secret, with the old one as previous");

        await Wait.UntilAsync(() => SecretLines(pair.DataA).Length == 1 && SecretLines(pair.DataB).Length == 1, s_timeout,
            "both to drop the old secret when the grace period ends");
        Assert.Equal([fresh], SecretLines(pair.DataB));
        Assert.True(pair.Linked);
        Assert.Same(link, Service<MeshLinks>(a).All().Single());
        using var files = await Service<PeerHttpClients>(a).HttpFor(Id(b), IPAddress.Loopback, pair.PortB).GetAsync("/mesh/files", Ct);
        Assert.Equal(HttpStatusCode.OK, files.StatusCode);
        using var back = await Service<PeerHttpClients>(b).HttpFor(Id(a), IPAddress.Loopback, pair.PortA).GetAsync("/mesh/files", Ct);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task Rotate_NodeOfflineMeanwhile_LinksDuringTheGracePeriod_OutWhenItEnds()
    {
        await using var pair = await Pair.LinkedAsync(TimeSpan.FromSeconds(4));
        await pair.StopBAsync();
        await RotateAsync(pair.A!);
        await pair.StartBAsync();
        var (a, b) = (pair.A!, pair.B!);
        await Wait.UntilAsync(() => pair.Linked, s_timeout, "b (old secret only) to link during the grace period");
        var client = Service<PeerHttpClients>(b).HttpFor(Id(a), IPAddress.Loopback, pair.PortA);
        using (var served = await client.GetAsync("/mesh/files", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // The grace period's end is when a drops the old secret from its file; a link closed before that (three missed 200 ms
        // pongs on a busy machine) is no sign of it, and b may still be served then.
        await Wait.UntilAsync(() => SecretLines(pair.DataA).Length == 1 && !Service<MeshLinks>(a).IsLinked(Id(b)) && !Service<MeshLinks>(b).IsLinked(Id(a)),
            s_timeout, "the grace period to end and the link to close");

        // Whatever b opened under the old secret is served nothing more (a 403 on its open connection, or a new one refused); and
        // neither links again.
        Assert.True(await RefusedAsync(() => client.GetAsync("/mesh/files", Ct)), "a served b after the grace period");
        long Refusals() => Service<Admitter>(a).Refused + Service<Admitter>(b).Refused;
        var refusedBefore = Refusals();
        await Wait.UntilAsync(() => Refusals() >= refusedBefore + 2, s_timeout, "their dials to be refused");
        Assert.False(pair.Linked);
        Assert.Single(SecretLines(pair.DataA));
        Assert.Single(SecretLines(pair.DataB));
    }

    [Fact]
    public async Task Rotate_Restarted_KeepsTheSchedule_DropsWhenItIsDue()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pair = await Pair.LinkedAsync(TimeSpan.FromHours(24));
        await pair.StopAAsync();
        await pair.StartAAsync(clock);
        var rotated = await RotateAsync(pair.A!);
        var until = rotated.GetProperty("previous_accepted_until").GetDateTimeOffset();
        await pair.StopAAsync();

        clock.SetUtcNow(until - TimeSpan.FromMinutes(1));
        await pair.StartAAsync(clock);
        Assert.Equal(2, SecretLines(pair.DataA).Length);
        using (var client = await pair.A!.CreateLoggedInClientAsync())
        {
            var status = await (await client.GetAsync("/api/mesh/secret", Ct)).JsonAsync();
            Assert.Equal(1, status.GetProperty("previous_secrets").GetInt32());
            Assert.Equal(until, status.GetProperty("previous_accepted_until").GetDateTimeOffset());
        }

        await pair.StopAAsync();
        clock.SetUtcNow(until);
        await pair.StartAAsync(clock);
        Assert.Single(SecretLines(pair.DataA));
    }

    [Fact]
    public async Task Rotate_GraceEndsOnTheNodesClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pair = await Pair.LinkedAsync(TimeSpan.FromHours(24));
        await pair.StopAAsync();
        await pair.StartAAsync(clock);
        await RotateAsync(pair.A!);

        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        await Task.Yield();
        Assert.Equal(2, SecretLines(pair.DataA).Length);
        clock.Advance(TimeSpan.FromSeconds(1));

        await Wait.UntilAsync(() => SecretLines(pair.DataA).Length == 1, s_timeout, "the old secret to be dropped at the end of the grace period");
    }

    [Fact]
    public async Task Rotate_SecretFromTheEnvironment_409_NamesTheSetting()
    {
        await using var node = await TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = "environment-secret-0123456789abcdef" });
        using var client = await node.CreateLoggedInClientAsync();

        using var response = await client.PostAsync("/api/mesh/secret/rotate", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("P2P_HMAC_SECRET", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        var status = await (await client.GetAsync("/api/mesh/secret", Ct)).JsonAsync();
        Assert.False(status.GetProperty("writable").GetBoolean());
    }

    [Fact]
    public async Task Rotate_OnBothAtOnce_BothSettleOnTheLaterSecret_AndKeepTheLink()
    {
        await using var pair = await Pair.LinkedAsync(TimeSpan.FromSeconds(3), ping: TimeSpan.FromSeconds(5));
        var (a, b) = (pair.A!, pair.B!);

        await Task.WhenAll(RotateAsync(a), RotateAsync(b));

        await Wait.UntilAsync(() => SecretLines(pair.DataA).Length == 3 && SecretLines(pair.DataA).Order().SequenceEqual(SecretLines(pair.DataB).Order())
            && SecretLines(pair.DataA)[0] == SecretLines(pair.DataB)[0], s_timeout, "both to hold both new secrets and agree on the current one");
        await Wait.UntilAsync(() => SecretLines(pair.DataA).Length == 1 && SecretLines(pair.DataB).Length == 1, s_timeout, "the grace period to end");
        Assert.Equal(SecretLines(pair.DataA), SecretLines(pair.DataB));
        Assert.True(pair.Linked);
    }
}
