using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Invites;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Mesh.Invites;

/// <summary>
/// Invites end to end in this process: real nodes on loopback, each with the secret it generated in its own data directory
/// (no P2P_HMAC_SECRET), one inviting (<c>POST /api/invites</c>) and others joining (<c>POST /api/mesh/join</c>).
/// </summary>
public sealed class InviteJoinTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static T Service<T>(TestNode node) where T : notnull => node.App.Services.GetRequiredService<T>();

    private static string Id(TestNode node) => Service<NodeInfo>(node).NodeId;

    /// <summary>A node that keeps its secret in its data directory's p2p_secret.txt (generated at first start).</summary>
    private static Task<TestNode> StartAsync(string name, TimeProvider? time = null, Dictionary<string, string?>? environment = null) =>
        TestNode.StartAsync(environment: environment ?? [], commandLine: new() { ["Node:Name"] = name, ["Mesh:PingInterval"] = "00:00:00.200" }, time: time);

    private static async Task<(string Code, DateTimeOffset ExpiresAt)> InviteAsync(TestNode node)
    {
        using var client = await node.CreateLoggedInClientAsync();
        using var response = await client.PostAsync("/api/invites", null, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.JsonAsync();
        return (json.GetProperty("code").GetString()!, json.GetProperty("expires_at").GetDateTimeOffset());
    }

    private static async Task<HttpResponseMessage> JoinAsync(TestNode node, string code)
    {
        using var client = await node.CreateLoggedInClientAsync();
        return await client.PostAsJsonAsync("/api/mesh/join", new { code }, Ct);
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) => (await response.JsonAsync()).GetProperty("error").GetString()!;

    private static string[] SecretLines(TestNode node) => File.ReadAllLines(Path.Combine(node.DataDir, MeshKeys.SecretFileName));

    private static bool Linked(TestNode a, TestNode b) => Service<MeshLinks>(a).IsLinked(Id(b)) && Service<MeshLinks>(b).IsLinked(Id(a));

    [Fact]
    public async Task CreateInvite_CarriesTheNodesFingerprintPortAndAddress_SingleUseTokenOf128Bits_TenMinutes()
    {
        await using var a = await StartAsync("alpha");
        var before = DateTimeOffset.UtcNow;

        var (first, expires) = await InviteAsync(a);
        var (second, _) = await InviteAsync(a);

        var code = InviteCode.Parse(first);
        Assert.Equal(Id(a), code.NodeId);
        Assert.Equal(Service<BoundEndpoints>(a).MeshPort, code.MeshPort);
        Assert.Equal([IPAddress.Loopback], code.Addresses);
        Assert.Equal(16, code.Token.Length);
        Assert.NotEqual(code.Token, InviteCode.Parse(second).Token);
        Assert.Equal(expires, code.ExpiresAt);
        Assert.InRange(expires - before, TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Join_FreshNode_GetsTheSecretOverTheMeshPort_PinsAndDialsTheInviter_Linked()
    {
        await using var a = await StartAsync("alpha");
        await using var b = await StartAsync("bravo");
        var (code, _) = await InviteAsync(a);
        Assert.NotEqual(SecretLines(a)[0], SecretLines(b)[0]);

        using var joined = await JoinAsync(b, code);

        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        var json = await joined.JsonAsync();
        Assert.Equal(Id(a), json.GetProperty("node_id").GetString());
        Assert.Equal("alpha", json.GetProperty("name").GetString());
        Assert.Equal($"127.0.0.1:{Service<BoundEndpoints>(a).MeshPort.ToString(CultureInfo.InvariantCulture)}", json.GetProperty("address").GetString());
        Assert.Equal(SecretLines(a), SecretLines(b));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(b.DataDir, MeshKeys.SecretFileName)));
        }

        await Wait.UntilAsync(() => Linked(a, b), s_timeout, "the joined node to link to the inviter");
        Assert.DoesNotContain(SecretLines(a)[0], b.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretLines(a)[0], a.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_UsedCode_RefusedAsUsed()
    {
        await using var a = await StartAsync("alpha");
        await using var b = await StartAsync("bravo");
        await using var c = await StartAsync("charlie");
        var (code, _) = await InviteAsync(a);
        using var first = await JoinAsync(b, code);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var cSecret = SecretLines(c);

        using var replay = await JoinAsync(c, code);

        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);
        Assert.Contains("already used", await ErrorAsync(replay), StringComparison.Ordinal);
        Assert.Equal(cSecret, SecretLines(c));
    }

    [Fact]
    public async Task Join_ExpiredCode_RefusedAsExpired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartAsync("alpha", clock);
        await using var b = await StartAsync("bravo");
        var (code, expires) = await InviteAsync(a);

        clock.SetUtcNow(expires);
        using var late = await JoinAsync(b, code);

        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        var error = await ErrorAsync(late);
        Assert.Contains("expired", error, StringComparison.Ordinal);
        Assert.DoesNotContain("used", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The inviting node's gate resets a connection that has not proven itself within Mesh:HandshakeTimeout (3 s): on a machine
    /// with both cores busy a first TLS handshake can take that long, and a Join clicked then failed with "Connection reset by
    /// peer" (seen in a browser test under load). The joiner tries the address again after a reset.
    /// </summary>
    [Fact]
    public async Task Join_FirstConnectionReset_TriedAgain_Joins()
    {
        await using var a = await StartAsync("alpha");
        await using var b = await StartAsync("bravo");
        var (code, _) = await InviteAsync(a);
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var resets = 0;
        var proxy = Task.Run(async () =>
        {
            // The first connection: its first bytes read (the TLS client hello), then reset as the gate does; later ones relayed.
            while (!Ct.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(Ct);
                if (Interlocked.Increment(ref resets) == 1)
                {
                    _ = await client.GetStream().ReadAsync(new byte[512], Ct);
                    client.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
                    client.Dispose();
                    continue;
                }

                var server = new System.Net.Sockets.TcpClient();
                await server.ConnectAsync(IPAddress.Loopback, Service<BoundEndpoints>(a).MeshPort, Ct);
                _ = Task.WhenAny(client.GetStream().CopyToAsync(server.GetStream(), Ct), server.GetStream().CopyToAsync(client.GetStream(), Ct))
                    .ContinueWith(_ => { client.Dispose(); server.Dispose(); }, TaskScheduler.Default);
            }
        }, Ct);
        var throughProxy = (InviteCode.Parse(code) with { MeshPort = ((IPEndPoint)listener.LocalEndpoint).Port }).Encode();

        using var joined = await JoinAsync(b, throughProxy);

        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        Assert.Equal(2, Volatile.Read(ref resets));
        Assert.Equal(SecretLines(a), SecretLines(b));
        listener.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => proxy);
    }

    [Fact]
    public async Task Join_CodeWithAnotherFingerprint_AbortsBeforeSendingTheToken_WhichStillWorks()
    {
        await using var a = await StartAsync("alpha");
        await using var b = await StartAsync("bravo");
        var (code, _) = await InviteAsync(a);
        var real = InviteCode.Parse(code);
        var forged = (real with { NodeId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) }).Encode();

        using var refused = await JoinAsync(b, forged);

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Contains("not the one that made the invite", await ErrorAsync(refused), StringComparison.Ordinal);
        Assert.Equal(0, Service<InviteService>(a).Openings);
        using var joined = await JoinAsync(b, code);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
    }

    [Fact]
    public async Task Join_Typo_400_NothingSent()
    {
        await using var a = await StartAsync("alpha");
        await using var b = await StartAsync("bravo");
        var (code, _) = await InviteAsync(a);
        var typo = code[..30] + (code[30] == 'Q' ? 'R' : 'Q') + code[31..];

        using var refused = await JoinAsync(b, typo);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("typo", await ErrorAsync(refused), StringComparison.Ordinal);
        using var joined = await JoinAsync(b, code);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
    }

    [Fact]
    public async Task Join_NodeWhoseSecretIsAnEnvironmentVariable_409_InviteNotSpent()
    {
        await using var a = await StartAsync("alpha");
        await using var b = await StartAsync("bravo", environment: new() { ["P2P_HMAC_SECRET"] = "bravo-secret-from-the-environment-0123" });
        await using var c = await StartAsync("charlie");
        var (code, _) = await InviteAsync(a);

        using var refused = await JoinAsync(b, code);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("P2P_HMAC_SECRET", await ErrorAsync(refused), StringComparison.Ordinal);
        using var joined = await JoinAsync(c, code);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
    }

    [Fact]
    public async Task InviteConnection_ReachesOnlyTheRedemption()
    {
        await using var a = await StartAsync("alpha");
        await using var b = await StartAsync("bravo");
        var code = InviteCode.Parse((await InviteAsync(a)).Code);
        using var handler = MeshClientHandler.Create(Service<NodeIdentity>(b), async (stream, token) =>
        {
            await stream.WriteAsync(InviteOpening.Hello(code.Token), token);
            var answer = new byte[InviteOpening.AnswerLength];
            await stream.ReadExactlyAsync(answer, token);
            Assert.Equal(InviteStatus.Accepted, InviteOpening.ParseAnswer(answer));
        }, id => id == code.NodeId);
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{code.MeshPort.ToString(CultureInfo.InvariantCulture)}") };

        foreach (var path in new[] { "/mesh/files", "/mesh/hello", "/api/tags", "/mesh/link" })
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var join = await client.PostAsJsonAsync("/mesh/join", new { node_id = Id(b) }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, join.StatusCode);
        Assert.Equal(InviteStatus.Accepted, await Service<InviteStore>(a).StatusAsync(InviteStore.Hash(code.Token), DateTimeOffset.UtcNow, Ct));
    }

    [Fact]
    public async Task InviteOpening_UnknownToken_Refused_ThenRateLimited()
    {
        await using var a = await StartAsync("alpha");
        await using var b = await StartAsync("bravo");
        var real = InviteCode.Parse((await InviteAsync(a)).Code);
        var statuses = new List<InviteStatus>();
        for (var i = 0; i <= InviteService.AttemptsPerMinutePerAddress; i++)
        {
            var guess = (real with { Token = RandomNumberGenerator.GetBytes(16) }).Encode();
            using var refused = await JoinAsync(b, guess);
            statuses.Add(refused.StatusCode == HttpStatusCode.NotFound ? InviteStatus.Unknown
                : refused.StatusCode == HttpStatusCode.TooManyRequests ? InviteStatus.TooManyAttempts : InviteStatus.Accepted);
        }

        Assert.All(statuses[..^1], s => Assert.Equal(InviteStatus.Unknown, s));
        Assert.Equal(InviteStatus.TooManyAttempts, statuses[^1]);
    }
}
