using System.Net;
using System.Net.Http.Json;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Transport;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Mesh;

/// <summary>The one admission check in front of every peer endpoint on the mesh port, whichever feature maps it.</summary>
public sealed class PeerAdmissionTests
{
    private static readonly string[] s_peerGets = ["/api/version", "/api/tags", "/api/ps", "/mesh/files", "/mesh/files/" + new string('a', 64), "/mesh/no-such-route"];

    /// <summary>A client of <paramref name="from"/>'s identity (its certificate) for <paramref name="to"/>'s mesh port.</summary>
    private static HttpClient Client(TestNode from, TestNode to) =>
        Service<PeerHttpClients>(from).HttpFor(Id(to), IPAddress.Loopback, Service<BoundEndpoints>(to).MeshPort);

    [Fact]
    public async Task SecretHolderNeverJoined_403OnEveryPeerEndpointAndUnknownRoute_HelloStillAnswers()
    {
        await using var node = await StartAsync("host", NoLlm);
        // Same secret, so its connections open; but it never joined, so its certificate is not admitted.
        await using var stranger = await StartAsync("stranger", NoLlm);
        var client = Client(stranger, node);

        foreach (var path in s_peerGets)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path, Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/chat", new { model = "llama3", messages = Array.Empty<object>() }, Ct)).StatusCode);
        var hello = await client.GetAsync("/mesh/hello", Ct);
        Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        Assert.Equal(Id(node), (await hello.JsonAsync()).GetProperty("node_id").GetString());
    }

    [Fact]
    public async Task OtherMesh_ConnectionClosedBeforeAnyEndpoint_EvenHello()
    {
        await using var node = await StartAsync("host", NoLlm);
        await using var stranger = await TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = "another-mesh-secret-0123456789" });
        var client = Client(stranger, node);
        var refused = Service<MeshMind.Mesh.Admission.Admitter>(node).Refused;

        foreach (var path in s_peerGets.Append("/mesh/hello"))
        {
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(path, Ct));
            Assert.Contains("no secret in common", error.InnerException?.Message ?? "", StringComparison.Ordinal);
        }

        Assert.True(Service<MeshMind.Mesh.Admission.Admitter>(node).Refused >= refused + s_peerGets.Length + 1);
    }

    [Fact]
    public async Task AdmittedPeer_ReachesEveryFeaturesEndpoints_UnknownRoute404_ThenRevoked403()
    {
        await using var node = await StartAsync("host", NoLlm);
        await using var peer = await StartAsync("peer", NoLlm, [node]);
        await UntilLinkedAsync(peer, node);
        var client = Client(peer, node);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/version", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/mesh/files", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/mesh/files/" + new string('a', 64), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/mesh/no-such-route", Ct)).StatusCode);

        using var person = await node.CreateLoggedInClientAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await person.PostAsync($"/api/peers/{Id(peer)}/revoke", null, Ct)).StatusCode);

        foreach (var path in s_peerGets)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path, Ct)).StatusCode);
        }
    }
}
