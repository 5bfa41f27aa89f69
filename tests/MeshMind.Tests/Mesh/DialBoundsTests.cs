using System.Net;
using System.Net.Sockets;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Mesh;

/// <summary>
/// Issue 14, finding 3: an insider's invented node ids (in signed announcements or peer exchange) must not make a node dial an
/// address forever. Unverified nodes are dialled a bounded number of times and dropped, and all dials are rate-bounded.
/// </summary>
public sealed class DialBoundsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Id(int i) => i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void RateWindow_AllowsTheLimitPerWindow_ThenAgainAsTheOldestLeave()
    {
        var time = new FakeTimeProvider();
        var window = new RateWindow(3, TimeSpan.FromMinutes(1), time);

        Assert.True(window.TryTake());
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(window.TryTake());
        Assert.True(window.TryTake());
        Assert.False(window.TryTake());
        time.Advance(TimeSpan.FromSeconds(40)); // the first is a minute old
        Assert.True(window.TryTake());
        Assert.False(window.TryTake());
    }

    [Fact]
    public void Forget_UnverifiedNode_HintsIgnoredForAWhile_AdmissionTakesItBack()
    {
        var time = new FakeTimeProvider();
        var peers = new PeerDirectory(time);
        peers.AddCandidate(Id(1), [IPAddress.Loopback], 7878);

        Assert.True(peers.Forget(Id(1)));

        Assert.Null(peers.Find(Id(1)));
        Assert.False(peers.AddCandidate(Id(1), [IPAddress.Loopback], 7878));
        Assert.False(peers.Observe(Id(1), "i", "fake", IPAddress.Loopback, 8080, 7878, online: true));
        Assert.Null(peers.Find(Id(1)));
        time.Advance(PeerDirectory.ForgottenFor);
        Assert.True(peers.AddCandidate(Id(1), [IPAddress.Loopback], 7878));

        Assert.True(peers.Forget(Id(1)));
        peers.Admit(Id(1), "real after all", IPAddress.Loopback, 7878);
        Assert.Equal("real after all", peers.Find(Id(1))?.Name);
    }

    [Fact]
    public void Forget_NeverDropsAnAdmittedOrRevokedNode()
    {
        var peers = new PeerDirectory(new FakeTimeProvider());
        peers.Admit(Id(1), "admitted", IPAddress.Loopback, 7878);
        peers.LoadAdmitted([Id(2)]);
        peers.AddCandidate(Id(2), [IPAddress.Loopback], 7878);
        peers.AddCandidate(Id(3), [IPAddress.Loopback], 7878);
        peers.Revoke(Id(3));

        Assert.False(peers.Forget(Id(1)));
        Assert.False(peers.Forget(Id(2)));
        Assert.False(peers.Forget(Id(3)));
        Assert.Equal(3, peers.Snapshot().Count);
    }

    /// <summary>
    /// Twenty invented node ids pointing at one port (which accepts and hangs up) are each dialled at most
    /// <see cref="LinkManager.MaxUnverifiedDials"/> times, then dropped from the list; before, they were dialled forever.
    /// </summary>
    [Fact]
    public async Task InventedNodeIds_DialledABoundedNumberOfTimes_ThenDropped()
    {
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        var accepted = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var acceptor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await target.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
            }
        }, CancellationToken.None);
        await using var node = await TestNode.StartAsync();
        var peers = node.App.Services.GetRequiredService<PeerDirectory>();
        var port = ((IPEndPoint)target.LocalEndpoint).Port;
        // Whether this node dials them at once (the lower id dials) or after the fallback delay, it dials them.
        var invented = Enumerable.Range(1, 20).Select(Id).ToList();

        foreach (var id in invented)
        {
            Assert.True(peers.AddCandidate(id, [IPAddress.Loopback], port));
        }

        await Wait.UntilAsync(() => invented.All(id => peers.Find(id) is null), TimeSpan.FromSeconds(90), "the invented nodes to be dropped");
        var dials = Volatile.Read(ref accepted);
        Assert.InRange(dials, invented.Count, invented.Count * LinkManager.MaxUnverifiedDials);
        Assert.All(invented, id => Assert.False(peers.AddCandidate(id, [IPAddress.Loopback], port)));
        await stop.CancelAsync();
        await acceptor.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
