using System.Net;
using MeshMind.Mesh.Peers;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Mesh;

/// <summary>Revocation stays visible across restarts and can be undone; nodes sharing a name are flagged (issue 14, finding 6).</summary>
public sealed class RevokeApiTests
{
    private static Task<TestNode> StartHostAsync(string dataDir) =>
        TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = Secret }, dataDir: dataDir,
            commandLine: new() { ["Node:Name"] = "host", ["Llm:OllamaUrl"] = NoLlm, ["Mesh:PingInterval"] = "00:00:00.500" });

    private static async Task<PeerView[]> PeersAsync(HttpClient client)
    {
        var list = await (await client.GetAsync("/api/peers", Ct)).JsonAsync();
        return [.. list.EnumerateArray().Select(p => new PeerView(
            p.GetProperty("node_id").GetString()!, p.GetProperty("name").GetString()!, p.GetProperty("revoked").GetBoolean(), p.GetProperty("name_conflict").GetBoolean()))];
    }

    [Fact]
    public async Task RevokedPeer_ListedAsRevokedAfterRestart_UndoAdmitsItAgain()
    {
        using var dir = new TempDirectory();
        var dataDir = dir.Combine("host");
        string peerId;
        await using (var host = await StartHostAsync(dataDir))
        {
            await using var peer = await StartAsync("peer", NoLlm, [host]);
            await UntilLinkedAsync(host, peer);
            peerId = Id(peer);
            using var person = await host.CreateLoggedInClientAsync();
            Assert.Equal(HttpStatusCode.NoContent, (await person.PostAsync($"/api/peers/{peerId}/revoke", null, Ct)).StatusCode);
        }

        await using var restarted = await StartHostAsync(dataDir);
        using var client = await restarted.CreateLoggedInClientAsync();

        var listed = Assert.Single(await PeersAsync(client), p => p.NodeId == peerId);
        Assert.True(listed.Revoked);
        Assert.Equal("peer", listed.Name);
        Assert.False(Service<PeerDirectory>(restarted).IsAdmitted(peerId));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/peers/{peerId}/revocation", Ct)).StatusCode);
        Assert.False(Assert.Single(await PeersAsync(client), p => p.NodeId == peerId).Revoked);
        Assert.True(Service<PeerDirectory>(restarted).IsAdmitted(peerId));
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/peers/{peerId}/revocation", Ct)).StatusCode);
    }

    [Fact]
    public async Task Undo_SurvivesRestart()
    {
        using var dir = new TempDirectory();
        var dataDir = dir.Combine("host");
        var stranger = new string('c', 64);
        await using (var host = await StartHostAsync(dataDir))
        {
            Service<PeerDirectory>(host).Observe(stranger, "i1", "stranger", IPAddress.Parse("127.0.0.5"), 8080, 7878, online: false);
            using var person = await host.CreateLoggedInClientAsync();
            Assert.Equal(HttpStatusCode.NoContent, (await person.PostAsync($"/api/peers/{stranger}/revoke", null, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await person.DeleteAsync($"/api/peers/{stranger}/revocation", Ct)).StatusCode);
        }

        await using var restarted = await StartHostAsync(dataDir);
        Assert.False(Service<PeerDirectory>(restarted).IsRevoked(stranger));
    }

    [Fact]
    public async Task TwoNodeIdsWithOneName_BothFlagged_OthersNot()
    {
        using var dir = new TempDirectory();
        await using var host = await StartHostAsync(dir.Combine("host"));
        var peers = Service<PeerDirectory>(host);
        var first = new string('a', 64);
        var second = new string('b', 64);
        var third = new string('d', 64);
        var own = new string('e', 64);
        peers.Observe(first, "i1", "gpu-box", IPAddress.Parse("127.0.0.2"), 8080, 7878, online: true);
        peers.Observe(second, "i2", "GPU-box", IPAddress.Parse("127.0.0.3"), 8080, 7878, online: true);
        peers.Observe(third, "i3", "laptop", IPAddress.Parse("127.0.0.4"), 8080, 7878, online: true);
        peers.Observe(own, "i4", "host", IPAddress.Parse("127.0.0.6"), 8080, 7878, online: true);
        using var client = await host.CreateLoggedInClientAsync();

        var listed = (await PeersAsync(client)).ToDictionary(p => p.NodeId);

        Assert.True(listed[first].NameConflict);
        Assert.True(listed[second].NameConflict);
        Assert.False(listed[third].NameConflict);
        Assert.True(listed[own].NameConflict); // uses this node's own name
    }

    private sealed record PeerView(string NodeId, string Name, bool Revoked, bool NameConflict);
}
