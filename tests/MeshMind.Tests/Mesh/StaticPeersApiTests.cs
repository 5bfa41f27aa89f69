using System.Net;
using System.Net.Http.Json;
using MeshMind.Mesh.Peers;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Mesh;

/// <summary><c>/api/static-peers</c>: add (validated, saved, dialled at once), list, remove; configured peers are listed but stay.</summary>
public sealed class StaticPeersApiTests
{
    [Theory]
    [InlineData("", "give the peer as HOST:PORT")]
    [InlineData("10.0.0.7", "'10.0.0.7' has no port; give HOST:PORT, for example 10.0.0.7:7878")]
    [InlineData("10.0.0.7:", "'10.0.0.7:' has no port")]
    [InlineData("10.0.0.7:99999", "'99999' is not a port: give a number from 1 to 65535")]
    [InlineData("gpu box:7878", "'gpu box' is not a host name or IP address")]
    [InlineData("http://10.0.0.7:7878", "is a URL; give only HOST:PORT")]
    [InlineData("fe80::1", "write an IPv6 address in brackets with the port: [fe80::1]:7878")]
    [InlineData("[fe80::1]", "'[fe80::1]' has no port")]
    [InlineData(":7878", "has no host")]
    public void Parse_Invalid_SaysWhatIsWrong(string text, string expected)
    {
        var (address, error) = StaticPeers.Parse(text);

        Assert.Null(address);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.7:7878", "10.0.0.7:7878")]
    [InlineData(" gpu-box.local:7878 ", "gpu-box.local:7878")]
    [InlineData("[fe80::1]:7878", "[fe80::1]:7878")]
    public void Parse_Valid_Normalised(string text, string expected)
    {
        var (address, error) = StaticPeers.Parse(text);

        Assert.Null(error);
        Assert.Equal(expected, address!.ToString());
    }

    [Fact]
    public async Task AddListRemove_ValidatedSavedAcrossRestart_ConfiguredOnesStay()
    {
        using var dir = new TempDirectory();
        var dataDir = dir.Combine("node");
        var flags = new Dictionary<string, string?> { ["Mesh:Peers:0"] = "127.0.0.1:9" };
        await using (var node = await TestNode.StartAsync(dataDir: dataDir, commandLine: flags))
        {
            using var client = await node.CreateLoggedInClientAsync();

            var bad = await client.PostAsJsonAsync("/api/static-peers", new { address = "10.0.0.7" }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("has no port", (await bad.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);

            var added = await client.PostAsJsonAsync("/api/static-peers", new { address = "127.0.0.1:10" }, Ct);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var body = await added.JsonAsync();
            Assert.Equal("127.0.0.1:10", body.GetProperty("address").GetString());
            Assert.False(body.GetProperty("configured").GetBoolean());

            var again = await client.PostAsJsonAsync("/api/static-peers", new { address = "127.0.0.1:10" }, Ct);
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("already a static peer", (await again.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);

            var configured = await client.DeleteAsync("/api/static-peers/127.0.0.1:9", Ct);
            Assert.Equal(HttpStatusCode.Conflict, configured.StatusCode);
            Assert.Contains("--peer", (await configured.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);

            // Dialled at once: nothing listens on port 10, so the dial fails and says why.
            await Wait.UntilAsync(async () =>
            {
                var list = await (await client.GetAsync("/api/static-peers", Ct)).JsonAsync();
                return list.EnumerateArray().Any(p => p.GetProperty("address").GetString() == "127.0.0.1:10"
                    && p.GetProperty("last_error").GetString() is { Length: > 0 });
            }, WaitLimit, "the added peer to be dialled");
        }

        await using (var restarted = await TestNode.StartAsync(dataDir: dataDir))
        {
            using var client = await restarted.CreateLoggedInClientAsync();
            var list = await (await client.GetAsync("/api/static-peers", Ct)).JsonAsync();
            Assert.Equal(["127.0.0.1:10"], list.EnumerateArray().Select(p => p.GetProperty("address").GetString()!).ToArray());

            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/static-peers/127.0.0.1:10", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/static-peers/127.0.0.1:10", Ct)).StatusCode);
            Assert.Empty((await (await client.GetAsync("/api/static-peers", Ct)).JsonAsync()).EnumerateArray());
        }
    }

    [Fact]
    public async Task AddedPeer_LinksWithoutRestart()
    {
        await using var b = await StartAsync("bravo", NoLlm);
        await using var a = await StartAsync("alpha", NoLlm);
        using var client = await a.CreateLoggedInClientAsync();

        var added = await client.PostAsJsonAsync("/api/static-peers", new { address = $"127.0.0.1:{Service<MeshMind.Infrastructure.BoundEndpoints>(b).MeshPort}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        await UntilLinkedAsync(a, b);
        var list = await (await client.GetAsync("/api/static-peers", Ct)).JsonAsync();
        var peer = Assert.Single(list.EnumerateArray());
        Assert.Equal("bravo", peer.GetProperty("name").GetString());
        Assert.Equal("up", peer.GetProperty("link_state").GetString());
    }
}
