using System.Net;
using MeshMind.Discovery;
using MeshMind.Mesh.Admission;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Discovery;

/// <summary>The receive loop's checks (issue 14, finding 9), fed datagrams with a given source address and a fake clock.</summary>
public sealed class AnnouncementFilterTests
{
    private static readonly MeshKeySet s_keys = MeshKeys.Derive("the-mesh-secret-0123456789");
    private static readonly MeshKeySet s_otherKeys = MeshKeys.Derive("another-mesh-secret-0123456789");
    private static readonly IPAddress s_peerAddress = IPAddress.Parse("127.0.0.1");
    private static readonly string s_own = new('0', 64);
    private static readonly string s_peer = new('a', 64);
    private static readonly string s_other = new('b', 64);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    private AnnouncementFilter Filter(int perSecond = 5) => new(s_own, "1", loopbackOnly: true, perSecond, _time);

    private byte[] Datagram(string nodeId, long offsetMilliseconds = 0, MeshKeySet? keys = null) =>
        DiscoveryCodec.Encode(new Announcement(Announcement.Online, 1, nodeId, "2", "peer", 7878, 8080, false, "",
            _time.GetUtcNow().ToUnixTimeMilliseconds() + offsetMilliseconds), keys ?? s_keys);

    [Fact]
    public void Check_ForgedFloodFromPeersAddress_PeersAnnouncementStillAccepted()
    {
        var filter = Filter();
        var random = new Random(9);
        for (var i = 0; i < 10_000; i++)
        {
            var forged = i % 2 == 0 ? Datagram(s_peer, offsetMilliseconds: i, keys: s_otherKeys) : new byte[300];
            if (i % 2 == 1)
            {
                random.NextBytes(forged);
                forged[0] = (byte)'M';
                forged[1] = (byte)'M';
                forged[2] = 1;
            }

            Assert.Equal(DropReason.BadTag, filter.Check(forged, s_peerAddress, [s_keys]).Reason);
        }

        var (value, reason) = filter.Check(Datagram(s_peer, offsetMilliseconds: 20_000), s_peerAddress, [s_keys]);

        Assert.Equal(DropReason.None, reason);
        Assert.Equal(s_peer, value!.NodeId);
    }

    [Fact]
    public void Check_ReplayedAnnouncementInALoop_DoesNotSpendTheNodesBudget()
    {
        var filter = Filter();
        var captured = Datagram(s_peer);
        Assert.Equal(DropReason.None, filter.Check(captured, s_peerAddress, [s_keys]).Reason);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(DropReason.Replay, filter.Check(captured, s_peerAddress, [s_keys]).Reason);
        }

        Assert.Equal(DropReason.None, filter.Check(Datagram(s_peer, offsetMilliseconds: 1), s_peerAddress, [s_keys]).Reason);
    }

    [Fact]
    public void Check_NodeOverItsRate_OnlyThatNodeIsLimited_ThenRefilled()
    {
        var filter = Filter(perSecond: 5);
        var reasons = Enumerable.Range(1, 8).Select(i => filter.Check(Datagram(s_peer, i), s_peerAddress, [s_keys]).Reason).ToList();

        Assert.Equal(5, reasons.Count(r => r == DropReason.None));
        Assert.Equal(3, reasons.Count(r => r == DropReason.RateLimited));
        Assert.Equal(DropReason.None, filter.Check(Datagram(s_other, 1), s_peerAddress, [s_keys]).Reason);

        _time.Advance(TimeSpan.FromMilliseconds(210));
        Assert.Equal(DropReason.None, filter.Check(Datagram(s_peer, 300), s_peerAddress, [s_keys]).Reason);
        Assert.Equal(DropReason.RateLimited, filter.Check(Datagram(s_peer, 301), s_peerAddress, [s_keys]).Reason);
        _time.Advance(TimeSpan.FromSeconds(10));
        var afterRest = Enumerable.Range(1, 6).Select(i => filter.Check(Datagram(s_peer, 20_000 + i), s_peerAddress, [s_keys]).Reason).ToList();
        Assert.Equal(5, afterRest.Count(r => r == DropReason.None));
    }

    [Fact]
    public void Check_OwnDatagramAndNonLoopbackSource_Dropped()
    {
        var filter = Filter();

        Assert.Equal(DropReason.Own, filter.Check(DiscoveryCodec.Encode(new Announcement(Announcement.Online, 1, s_own, "1", "me", 7878, 8080,
            false, "", _time.GetUtcNow().ToUnixTimeMilliseconds()), s_keys), s_peerAddress, [s_keys]).Reason);
        Assert.Equal(DropReason.NotLoopback, filter.Check(Datagram(s_peer), IPAddress.Parse("192.0.2.7"), [s_keys]).Reason);
    }
}
