using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MeshMind.Discovery;
using MeshMind.Mesh.Peers;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Tests.Discovery;

/// <summary>
/// Issue 14, finding 9: a flood of forged datagrams from a real peer's source address must not starve that peer's
/// genuine announcements. In loopback mode every node sends from 127.0.0.1, so a socket on 127.0.0.1 sends from the
/// real peers' address.
/// </summary>
public sealed class DiscoveryFloodTests
{
    private const string Secret = "discovery-flood-secret-0123456789";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    private static Task<TestNode> StartAsync(int port, string name) =>
        TestNode.StartAsync(
            environment: new() { ["P2P_HMAC_SECRET"] = Secret },
            commandLine: new()
            {
                ["Node:Name"] = name,
                ["Discovery:Mode"] = "loopback",
                ["Discovery:Port"] = port.ToString(CultureInfo.InvariantCulture),
            });

    private static string Id(TestNode node) => node.App.Services.GetRequiredService<MeshMind.Node.NodeInfo>().NodeId;

    [Fact]
    public async Task ForgedFloodFromPeersAddress_PeersAnnouncementsStillHeard()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = FreePort.Udp();
        await using var victim = await StartAsync(port, "victim");
        var stats = victim.App.Services.GetRequiredService<DiscoveryStats>();

        using var stopFlood = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var flood = FloodAsync(port, stopFlood.Token);
        await Wait.UntilAsync(() => stats.Received > 500, s_timeout, "the flood to reach the victim");

        await using var peer = await StartAsync(port, "peer");
        var peers = victim.App.Services.GetRequiredService<PeerDirectory>();
        try
        {
            await Wait.UntilAsync(() => peers.Find(Id(peer)) is not null, s_timeout, "the victim to hear the real peer through the flood");
        }
        finally
        {
            await stopFlood.CancelAsync();
            var sent = await flood;
            Assert.True(sent >= 500, $"the flood sent only {sent} datagrams");
        }

        Assert.True(stats.Dropped(DropReason.BadTag) + stats.Dropped(DropReason.Garbage) > 500);
    }

    /// <summary>Forged datagrams (right magic and version, random tag) from 127.0.0.1 to the loopback broadcast, about 4,000 a second.</summary>
    private static async Task<long> FloodAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Parse("127.255.255.255"), port);
        var random = new Random(14_09);
        var datagram = new byte[300];
        long sent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            for (var i = 0; i < 40; i++)
            {
                random.NextBytes(datagram);
                datagram[0] = (byte)'M';
                datagram[1] = (byte)'M';
                datagram[2] = 1;
                await socket.SendToAsync(datagram, SocketFlags.None, target, CancellationToken.None);
                sent++;
            }

            try
            {
                await Task.Delay(10, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return sent;
    }
}
