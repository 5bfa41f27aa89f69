using System.Net;
using System.Net.Http.Json;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Tests.Web;

/// <summary>The people-facing port answers only requests whose <c>Host</c> names this node (DNS rebinding, issue 14 finding 4).</summary>
public sealed class HostFilterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> GetAsync(TestNode node, string host, string path = "/api/auth/status")
    {
        using var client = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return await client.SendAsync(request, Ct);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("0.0.0.0")]
    [InlineData("192.0.2.1")]
    public async Task ForeignHost_421WithHowToAllow(string name)
    {
        await using var node = await TestNode.StartAsync();

        var response = await GetAsync(node, $"{name}:{node.BaseAddress.Port}");

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error").GetString()!;
        Assert.Contains("Http:AllowedHosts", error, StringComparison.Ordinal);
        Assert.Contains(name, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST.")]
    [InlineData("ui.localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("[::1]")]
    public async Task OwnNames_Answered(string name)
    {
        await using var node = await TestNode.StartAsync();

        var response = await GetAsync(node, $"{name}:{node.BaseAddress.Port}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MachineName_Answered()
    {
        await using var node = await TestNode.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(node, Environment.MachineName)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(node, Environment.MachineName + ".local")).StatusCode);
    }

    [Fact]
    public async Task ConfiguredAllowedHosts_Answered_OthersStillRefused()
    {
        await using var node = await TestNode.StartAsync(commandLine: new()
        {
            ["Http:AllowedHosts:0"] = "meshmind.example",
            ["Http:AllowedHosts:1"] = "*.lan.example",
            ["Http:AllowedOrigins:0"] = "https://proxy.example",
        });

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(node, "meshmind.example:8443")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(node, "gpu-box.lan.example")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(node, "proxy.example")).StatusCode);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await GetAsync(node, "lan.example.evil.example")).StatusCode);
    }

    [Fact]
    public async Task AllowedHostsStar_AnyHostAnswered()
    {
        await using var node = await TestNode.StartAsync(commandLine: new() { ["Http:AllowedHosts:0"] = "*" });

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(node, "evil.example")).StatusCode);
    }

    [Fact]
    public async Task Login_FromReboundName_RefusedWithoutCookie()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();
        var rebound = $"evil.example:{node.BaseAddress.Port}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { username = "admin", password = TestNode.Password }),
        };
        // What a page on evil.example sends once its name resolves to the node: to the browser, this is same-origin.
        request.Headers.Host = rebound;
        request.Headers.Add("Origin", "http://" + rebound);
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task MeshPort_NotFiltered()
    {
        // Same mesh (secret), so the mesh port's connection proof lets the other node's client through to HTTP.
        var mesh = new Dictionary<string, string?> { ["P2P_HMAC_SECRET"] = "host-filter-mesh-secret-0123456789" };
        await using var node = await TestNode.StartAsync(environment: mesh);
        await using var other = await TestNode.StartAsync(environment: mesh);
        var client = other.App.Services.GetRequiredService<PeerHttpClients>().HttpFor(
            node.App.Services.GetRequiredService<NodeIdentity>().NodeId, IPAddress.Loopback, node.App.Services.GetRequiredService<BoundEndpoints>().MeshPort);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mesh/hello");
        request.Headers.Host = "evil.example";

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
