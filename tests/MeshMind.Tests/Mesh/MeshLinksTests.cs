using System.Net;
using System.Net.WebSockets;
using MeshMind.Mesh.Links;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Mesh;

/// <summary>
/// The live links and the order their changes are reacted to (issue 20): when a link to a peer goes down while another to the
/// same peer comes up, what follows the "down" (peer state, log, participants' <c>LinkDown</c>) must come before what follows
/// the "up", or the peer reads as gone while its link is up.
/// </summary>
public sealed class MeshLinksTests : IDisposable
{
    private const string Peer = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"; // higher than any node id: this node dials
    private static readonly LinkCodec s_codec = new([]);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly NodeIdentity _identity;
    private readonly MeshLinks _links;

    public MeshLinksTests()
    {
        var options = Options.Create(new NodeOptions { DataDir = _dir.Combine("data") });
        _identity = new NodeIdentity(new DataDirectory(options), _time);
        _links = new MeshLinks(new NodeInfo(_identity, options, _time));
    }

    public void Dispose()
    {
        _identity.Dispose();
        _dir.Dispose();
    }

    private Link NewLink(string dialer) =>
        new(WebSocket.CreateFromStream(Stream.Null, isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero), Peer, dialer, IPAddress.Loopback, s_codec, _time);

    [Fact]
    public async Task ALinkComingUp_WhileTheOldOneIsBeingReportedDown_IsReportedAfterIt()
    {
        var events = new List<string>();
        var old = NewLink(_identity.NodeId);
        Assert.True(_links.TryRegister(old, refused: false, () => events.Add("up old")));

        // The old link ends; its "down" is being reacted to (held here) when the new link comes up on another thread.
        using var reactingToDown = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var down = Task.Run(() => _links.Unregister(old, () =>
        {
            reactingToDown.Set();
            release.Wait(TestContext.Current.CancellationToken);
            events.Add("down old");
        }), TestContext.Current.CancellationToken);
        reactingToDown.Wait(TestContext.Current.CancellationToken);

        var registering = new Thread(() => _links.TryRegister(NewLink(_identity.NodeId), refused: false, () => events.Add("up new")));
        registering.Start();
        // The new link waits for the old one's reaction: its thread blocks (or, without the ordering, runs to its end first).
        while ((registering.ThreadState & (ThreadState.WaitSleepJoin | ThreadState.Stopped)) == 0)
        {
            await Task.Yield();
        }

        release.Set();
        Assert.True(await down);
        registering.Join();

        Assert.Equal(["up old", "down old", "up new"], events);
        Assert.True(_links.IsLinked(Peer));
    }

    [Fact]
    public void Duplicates_TheLinkDialledByTheLowerIdStays_AndOnlyIt_IsReportedUp()
    {
        var events = new List<string>();
        var byPeer = NewLink(Peer);
        var byThisNode = NewLink(_identity.NodeId);

        Assert.True(_links.TryRegister(byPeer, refused: false, () => events.Add("up by peer")));
        Assert.True(_links.TryRegister(byThisNode, refused: false, () => events.Add("up by this node")));
        // A second link dialled by the higher id loses to the current one, and nothing is reported for it.
        Assert.False(_links.TryRegister(NewLink(Peer), refused: false, () => events.Add("up by peer again")));
        // The replaced link ending is not a change: the peer is still linked.
        Assert.False(_links.Unregister(byPeer, () => events.Add("down by peer")));

        Assert.Equal(["up by peer", "up by this node"], events);
        Assert.True(_links.IsLinked(Peer));
    }

    [Fact]
    public void WhenNotLinked_RunsOnlyWhileNoLinkIsUp()
    {
        var ran = 0;
        _links.WhenNotLinked(Peer, () => ran++);
        var link = NewLink(_identity.NodeId);
        _links.TryRegister(link, refused: false, () => { });
        _links.WhenNotLinked(Peer, () => ran += 10);
        _links.WhenCurrent(link, () => ran += 100);
        _links.Unregister(link, () => { });
        _links.WhenCurrent(link, () => ran += 1000);

        Assert.Equal(101, ran);
    }

    /// <summary>Mesh:MaxLinks: past its capacity of accepted links, an accepted link to a peer not linked yet is refused (closed); one replacing a link is not.</summary>
    [Fact]
    public void TryRegister_PastCapacity_RefusesNewPeerOnly()
    {
        Assert.True(_links.TryRegister(NewLink(Peer), refused: false, () => { }, capacity: 1)); // dialled by the peer: accepted
        const string other = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        var fromOther = new Link(WebSocket.CreateFromStream(Stream.Null, isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero),
            other, other, IPAddress.Loopback, s_codec, _time);

        Assert.False(_links.TryRegister(fromOther, refused: false, () => Assert.Fail("a link past capacity came up"), capacity: 1));
        Assert.True(_links.TryRegister(NewLink(Peer), refused: false, () => { }, capacity: 1));
        Assert.Equal((0, 1), _links.CountByDialler());
    }
}
