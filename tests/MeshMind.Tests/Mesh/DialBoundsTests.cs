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

    /// <summary>
    /// Issue 20: fifty nodes started together never formed a mesh because each dialled every peer at once and the handshakes
    /// timed out together. Twelve nodes heard of at once, at a port that accepts and then says nothing (so each handshake
    /// runs until its 10 s time-out), are dialled <see cref="LinkManager.MaxDialsInFlight"/> at a time: the first eight
    /// connect at once, the others only when a turn ends (when the first handshakes give up), and then every one is dialled.
    /// </summary>
    [Fact]
    public async Task ManyPeersHeardAtOnce_AtMostMaxDialsInFlightHandshakeAtATime_TheOthersWaitTheirTurn()
    {
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        var accepts = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var held = new System.Collections.Concurrent.ConcurrentBag<TcpClient>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var acceptor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Held without a word until the test ends; the dialler gives up by itself.
                held.Add(await target.AcceptTcpClientAsync(stop.Token));
                accepts.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
            }
        }, CancellationToken.None);
        await using var node = await TestNode.StartAsync();
        var peers = node.App.Services.GetRequiredService<PeerDirectory>();
        var port = ((IPEndPoint)target.LocalEndpoint).Port;
        // Ids below any real one, so this node (the higher id) waits the fallback delay and then finds them all due at once.
        var heard = Enumerable.Range(1, LinkManager.MaxDialsInFlight + 4).Select(Id).ToList();

        foreach (var id in heard)
        {
            Assert.True(peers.AddCandidate(id, [IPAddress.Loopback], port));
        }

        await Wait.UntilAsync(() => accepts.Count >= heard.Count, TimeSpan.FromSeconds(60),
            $"every one of the {heard.Count} nodes dialled (accepted {accepts.Count})");

        // A turn ends when a handshake does: these hang until the dialler's 10 s time-out, so nothing connects in between.
        var first = accepts.Min();
        var beforeATurnEnded = accepts.Count(a => System.Diagnostics.Stopwatch.GetElapsedTime(first, a) < TimeSpan.FromSeconds(5));
        Assert.Equal(LinkManager.MaxDialsInFlight, beforeATurnEnded);
        await stop.CancelAsync();
        await acceptor.ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var client in held)
        {
            client.Dispose();
        }
    }
}
