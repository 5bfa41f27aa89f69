using System.Globalization;
using System.Net;
using MeshMind.Discovery;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Tests.Discovery;

/// <summary>Several real nodes in this process, discovering each other in loopback mode on a port private to the test.</summary>
public sealed class DiscoveryTests
{
    private const string Secret = "discovery-test-secret-0123456789";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    private static Task<TestNode> StartAsync(int port, string name, string secret = Secret, string? dataDir = null) =>
        TestNode.StartAsync(
            environment: new() { ["P2P_HMAC_SECRET"] = secret },
            commandLine: new()
            {
                ["Node:Name"] = name,
                ["Discovery:Mode"] = "loopback",
                ["Discovery:Port"] = port.ToString(CultureInfo.InvariantCulture),
            },
            dataDir: dataDir);

    private static PeerDirectory Peers(TestNode node) => node.App.Services.GetRequiredService<PeerDirectory>();

    private static string Id(TestNode node) => node.App.Services.GetRequiredService<MeshMind.Node.NodeInfo>().NodeId;

    [Fact]
    public async Task ThreeNodes_Loopback_EachListsTheOtherTwoOverTheApi()
    {
        var port = FreePort.Udp();
        await using var a = await StartAsync(port, "node-a");
        await using var b = await StartAsync(port, "node-b");
        await using var c = await StartAsync(port, "node-c");

        foreach (var node in new[] { a, b, c })
        {
            await Wait.UntilAsync(() => Peers(node).Snapshot().Count == 2, s_timeout, "every node to hear the other two");
        }

        using var client = await a.CreateLoggedInClientAsync();
        var peers = await (await client.GetAsync("/api/peers", TestContext.Current.CancellationToken)).JsonAsync();
        var names = peers.EnumerateArray().Select(p => p.GetProperty("name").GetString()!).Order().ToArray();
        Assert.Equal(["node-b", "node-c"], names);
        var first = peers[0];
        Assert.Equal(Id(b), first.GetProperty("node_id").GetString());
        Assert.Equal("127.0.0.1", first.GetProperty("addresses")[0].GetString());
        Assert.Equal(b.BaseAddress.Port, first.GetProperty("http_port").GetInt32());
        Assert.Contains(first.GetProperty("link_state").GetString(), new[] { "up", "connecting", "down" });
        Assert.False(first.GetProperty("revoked").GetBoolean());
        var seed = await (await client.GetAsync("/peers", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(["node-b", "node-c"], seed.EnumerateArray().Select(p => p.GetProperty("name").GetString()!).Order().ToArray());
    }

    [Fact]
    public async Task OtherSecret_NeverListed_DatagramsCountedAsBadTag()
    {
        var port = FreePort.Udp();
        await using var good = await StartAsync(port, "good");
        await using var intruder = await StartAsync(port, "intruder", secret: "a-different-secret-0123456789");
        await using var friend = await StartAsync(port, "friend");

        var stats = good.App.Services.GetRequiredService<DiscoveryStats>();
        await Wait.UntilAsync(() => stats.Dropped(DropReason.BadTag) > 0 && Peers(good).Find(Id(friend)) is not null, s_timeout,
            "the intruder's datagram to arrive and be refused, and the friend to be heard");

        Assert.Null(Peers(good).Find(Id(intruder)));
        Assert.Null(Peers(friend).Find(Id(intruder)));
        Assert.Empty(Peers(intruder).Snapshot());
    }

    [Fact]
    public async Task CopiedDataDirectory_BothNodesReportDuplicateIdentity()
    {
        var port = FreePort.Udp();
        using var dir = new TempDirectory();
        var original = dir.Combine("original");
        await using (await StartAsync(FreePort.Udp(), "original"))
        {
        }

        await using var first = await StartAsync(port, "first", dataDir: original);
        var copy = dir.Combine("copy");
        Directory.CreateDirectory(copy);
        File.Copy(Path.Combine(original, NodeIdentity.FileName), Path.Combine(copy, NodeIdentity.FileName));
        await using var second = await StartAsync(port, "second", dataDir: copy);

        Assert.Equal(Id(first), Id(second));
        foreach (var node in new[] { first, second })
        {
            using var client = await node.CreateLoggedInClientAsync();
            await Wait.UntilAsync(
                async () => (await (await client.GetAsync("/api/status", TestContext.Current.CancellationToken)).JsonAsync()).GetProperty("duplicate_node_id").GetBoolean(),
                s_timeout, "the duplicate identity to be reported");
        }

        Assert.Empty(Peers(first).Snapshot());
    }

    [Fact]
    public async Task GracefulStop_SendsOffline_OthersSeeItGo()
    {
        var port = FreePort.Udp();
        await using var a = await StartAsync(port, "stays");
        var b = await StartAsync(port, "leaves");
        var leaving = Id(b);
        await Wait.UntilAsync(() => Peers(a).Find(leaving)?.Online == true, s_timeout, "the leaving node to be heard");

        await b.DisposeAsync();

        await Wait.UntilAsync(() => Peers(a).Find(leaving)?.Online == false, s_timeout, "its OFFLINE to be heard");
    }

    [Fact]
    public async Task Revoke_MarksPeer_SurvivesRestart_UnknownIs404()
    {
        var port = FreePort.Udp();
        using var dir = new TempDirectory();
        var dataDir = dir.Combine("a");
        string revokedId;
        await using (var a = await StartAsync(port, "a", dataDir: dataDir))
        await using (var b = await StartAsync(port, "b"))
        {
            revokedId = Id(b);
            await Wait.UntilAsync(() => Peers(a).Find(revokedId) is not null, s_timeout, "b to be heard");
            using var client = await a.CreateLoggedInClientAsync();

            var revoke = await client.PostAsync($"/api/peers/{revokedId}/revoke", null, TestContext.Current.CancellationToken);
            var unknown = await client.PostAsync($"/api/peers/{new string('f', 64)}/revoke", null, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.True(Peers(a).Find(revokedId)!.Revoked);
        }

        await using var restarted = await StartAsync(FreePort.Udp(), "a", dataDir: dataDir);
        Assert.True(Peers(restarted).IsRevoked(revokedId));
    }
}
