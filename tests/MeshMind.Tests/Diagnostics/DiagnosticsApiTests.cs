using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MeshMind.Discovery;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Diagnostics;

/// <summary><c>GET /api/diagnostics</c> on real in-process nodes: refused datagrams named by sender and reason, a port in use, the reach-back test.</summary>
public sealed class DiagnosticsApiTests
{
    private const string OtherSecret = "another-mesh-secret-0123456789abc";

    private static Task<TestNode> StartLoopbackAsync(int discoveryPort) =>
        StartAsync("doctor", NoLlm, extra: new()
        {
            ["Discovery:Mode"] = "loopback",
            ["Discovery:Port"] = discoveryPort.ToString(CultureInfo.InvariantCulture),
        });

    private static async Task<Finding[]> FindingsAsync(HttpClient client, bool refresh = false)
    {
        var response = await client.GetAsync(refresh ? "/api/diagnostics?refresh=true" : "/api/diagnostics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        return [.. json.EnumerateArray().Select(f => new Finding(
            f.GetProperty("level").GetString()!, f.GetProperty("code").GetString()!, f.GetProperty("message").GetString()!,
            f.GetProperty("fix").ValueKind == JsonValueKind.Null ? null : f.GetProperty("fix").GetString()))];
    }

    private static async Task<Finding> UntilFindingAsync(HttpClient client, string code, Func<Finding, bool>? match = null, bool refresh = false)
    {
        Finding? found = null;
        await Wait.UntilAsync(async () =>
        {
            found = (await FindingsAsync(client, refresh)).FirstOrDefault(f => f.Code == code && (match?.Invoke(f) ?? true));
            return found is not null;
        }, WaitLimit, $"a '{code}' finding");
        return found!;
    }

    /// <summary>Sends one announcement, signed with <paramref name="secret"/>, from <paramref name="from"/> to the node's discovery port.</summary>
    private static async Task SendAnnouncementAsync(IPAddress from, int port, string secret, string name, DateTimeOffset at)
    {
        var announcement = new Announcement(Announcement.Online, Announcement.CurrentVersion, new string('e', 64), "1234", name, 7878, 8080, false, "", at.ToUnixTimeMilliseconds());
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.SendToAsync(DiscoveryCodec.Encode(announcement, MeshKeys.Derive(secret)), new IPEndPoint(IPAddress.Loopback, port), Ct);
    }

    [Fact]
    public async Task DatagramWithAnotherSecret_From127002_NamedAsDifferentMeshSecret()
    {
        var port = FreePort.Udp();
        await using var node = await StartLoopbackAsync(port);
        using var client = await node.CreateLoggedInClientAsync();

        await SendAnnouncementAsync(IPAddress.Parse("127.0.0.2"), port, OtherSecret, "intruder", DateTimeOffset.UtcNow);

        var finding = await UntilFindingAsync(client, "wrong_secret");
        Assert.Equal("error", finding.Level);
        Assert.StartsWith("127.0.0.2 (which says it is 'intruder') uses a different mesh secret", finding.Message, StringComparison.Ordinal);
        Assert.Contains("p2p_secret.txt", finding.Fix, StringComparison.Ordinal);
        var all = await FindingsAsync(client);
        Assert.Equal("error", all[0].Level); // problems come first
    }

    [Fact]
    public async Task AuthenticAnnouncementThreeMinutesOld_NamedAsClockOffOutsideReplayWindow()
    {
        var port = FreePort.Udp();
        await using var node = await StartLoopbackAsync(port);
        using var client = await node.CreateLoggedInClientAsync();

        await SendAnnouncementAsync(IPAddress.Parse("127.0.0.3"), port, Secret, "laptop", DateTimeOffset.UtcNow.AddMinutes(-3));

        var finding = await UntilFindingAsync(client, "clock_skew");
        Assert.Equal("error", finding.Level);
        Assert.Contains("127.0.0.3 (which says it is 'laptop'): clock 3 min off (behind this node's), outside the 2 min replay window", finding.Message, StringComparison.Ordinal);
        Assert.Contains("network time", finding.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(await FindingsAsync(client), f => f.Code == "wrong_secret");
    }

    [Fact]
    public async Task DiscoveryPortHeldByAnotherProgram_NamedWithItsProcess()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ExclusiveAddressUse = true };
        holder.Bind(new IPEndPoint(IPAddress.Any, 0));
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        await using var node = await StartLoopbackAsync(port);
        using var client = await node.CreateLoggedInClientAsync();

        var finding = Assert.Single(await FindingsAsync(client), f => f.Code == "discovery_port_in_use");

        Assert.Equal("error", finding.Level);
        Assert.Contains($"UDP port {port} (discovery) is already in use", finding.Message, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.Contains($"(PID {Environment.ProcessId})", finding.Message, StringComparison.Ordinal);
        }

        Assert.Contains("--discovery-port", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReachBack_LinkedPeerDialsBack_ReportsTheAddressItReached()
    {
        await using var b = await StartAsync("bravo", NoLlm);
        await using var a = await StartAsync("alpha", NoLlm, [b]);
        await UntilLinkedAsync(a, b);
        await UntilLinkedAsync(b, a);
        using var client = await a.CreateLoggedInClientAsync();

        var finding = await UntilFindingAsync(client, "reach_back", refresh: true);

        Assert.Equal("ok", finding.Level);
        Assert.StartsWith($"'bravo' reached this node's mesh port at 127.0.0.1:{Service<BoundEndpoints>(a).MeshPort}", finding.Message, StringComparison.Ordinal);
        Assert.Contains(await FindingsAsync(client), f => f.Code == "peers_linked" && f.Message.Contains("'bravo'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReachBack_MeshPortNotReachableFromThePeer_ErrorSaysPeersCannotDialIn()
    {
        await using var b = await StartAsync("bravo", NoLlm);
        // alpha listens on 127.0.0.2 but dials bravo from 127.0.0.1: bravo, linked, cannot dial back to where alpha's link came from.
        await using var a = await StartAsync("alpha", NoLlm, [b], new() { ["Mesh:BindAddress"] = "127.0.0.2" });
        await UntilLinkedAsync(a, b);
        using var client = await a.CreateLoggedInClientAsync();

        var finding = await UntilFindingAsync(client, "reach_back_failed", refresh: true);

        Assert.Equal("error", finding.Level);
        Assert.Contains($"'bravo' could not reach this node's mesh port: 127.0.0.1:{Service<BoundEndpoints>(a).MeshPort}: connection refused", finding.Message, StringComparison.Ordinal);
        Assert.Contains("meshmind firewall --apply", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPeers_WarnsAndSkipsReachBack_ButNeedsLogin()
    {
        await using var node = await StartAsync("alone", NoLlm);
        using var anonymous = node.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/diagnostics", Ct)).StatusCode);
        using var client = await node.CreateLoggedInClientAsync();

        var findings = await FindingsAsync(client);

        Assert.Contains(findings, f => f is { Code: "no_peers", Level: "warning" });
        Assert.Contains(findings, f => f is { Code: "reach_back_skipped", Level: "info" });
        Assert.Contains(findings, f => f is { Code: "discovery_off" });
        Assert.Contains(findings, f => f is { Code: "llm_none_in_mesh", Level: "warning" });
        Assert.Contains(findings, f => f is { Code: "mesh_port", Level: "ok" } || f.Code == "mesh_local_only");
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
    }

    private sealed record Finding(string Level, string Code, string Message, string? Fix);
}
