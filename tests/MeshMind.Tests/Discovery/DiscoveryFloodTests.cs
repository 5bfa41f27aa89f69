using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
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

    [Fact]
    public async Task SignedAnnouncementsWithInventedIdsFromASpoofedSource_AnsweredAFewTimesOnly()
    {
        // Issue 14, finding 3: an insider with the secret signs announcements with invented node ids from a victim's
        // address (here 127.0.0.5). Each id is new, and each new node used to get an answer: one datagram per announcement.
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = FreePort.Udp();
        // The listener is bound before the node starts, so it hears the node's first announcement.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Any, port));
        using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heard = new System.Collections.Concurrent.ConcurrentBag<long>();
        await using var node = await StartAsync(port, "reflector");
        var stats = node.App.Services.GetRequiredService<DiscoveryStats>();
        var peers = node.App.Services.GetRequiredService<PeerDirectory>();
        var own = Id(node);
        var listening = ListenAsync(listener, own, heard.Add, stopListening.Token);
        await Wait.UntilAsync(() => !heard.IsEmpty, s_timeout, "the listener to hear the node's first announcement");
        // Announcements carry strictly increasing timestamps: later than the last one heard, only replies to the flood (or a
        // periodic one). A wall-clock reading here could equal a fast reply's timestamp and miss it.
        var floodStart = heard.Max();
        int Heard() => heard.Count(t => t > floodStart);

        const int Invented = 200;
        using var spoofed = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
        spoofed.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.5"), 0));
        var keys = MeshMind.Mesh.Admission.MeshKeys.Derive(Secret);
        for (var i = 0; i < Invented; i++)
        {
            var announcement = new Announcement(Announcement.Online, Announcement.CurrentVersion, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
                (i + 1).ToString("x", CultureInfo.InvariantCulture), "invented", 1, 1, false, "", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await spoofed.SendToAsync(DiscoveryCodec.Encode(announcement, keys), SocketFlags.None, new IPEndPoint(IPAddress.Parse("127.255.255.255"), port), cancellationToken);
            if (i % 20 == 19)
            {
                // Paced, so none is lost to the node's bounded queue: every one must be handled for the count to mean anything.
                var expected = i + 1;
                await Wait.UntilAsync(() => peers.Snapshot().Count >= expected, s_timeout, $"the node to hear {expected} invented nodes");
            }
        }

        await Wait.UntilAsync(() => stats.RepliesSent + stats.RepliesLimited == Invented, s_timeout, "the node to handle every invented node");
        var replies = stats.RepliesSent;
        await Wait.UntilAsync(() => Heard() >= replies, s_timeout, "the listener to hear every reply sent");
        await stopListening.CancelAsync();
        await listening;

        TestContext.Current.TestOutputHelper?.WriteLine($"{Invented} invented nodes; {replies} replies sent, {Heard()} announcements heard; {stats.RepliesLimited} held back");
        Assert.InRange(replies, 1, ReplyLimiter.MaxPerDestination);
        Assert.InRange(Heard(), replies, replies + 1); // and perhaps one periodic announcement
    }

    /// <summary>Tells the timestamp of each datagram on the discovery port that is an announcement of <paramref name="nodeId"/>.</summary>
    private static async Task ListenAsync(Socket socket, string nodeId, Action<long> heard, CancellationToken cancellationToken)
    {
        var keys = MeshMind.Mesh.Admission.MeshKeys.Derive(Secret);
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var (announcement, _) = DiscoveryCodec.Decode(buffer.AsSpan(0, result.ReceivedBytes), [keys], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            if (announcement?.NodeId == nodeId)
            {
                heard(announcement.Timestamp);
            }
        }
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
