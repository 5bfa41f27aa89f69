using System.IO.Pipelines;
using System.Net;
using MeshMind.Mesh;
using MeshMind.Mesh.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Mesh;

/// <summary>
/// The gate's policy for connections that have not proven admission (issue 14, finding 11), on hand-made connections and
/// a fake clock: the deadline, the per-address and total caps, which connection gives way, and the grace period that keeps
/// a newcomer from being pushed out before its handshake can finish. Deadline 2 s, so the grace is 0.5 s.
/// </summary>
public sealed class MeshConnectionGateTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_pastGrace = TimeSpan.FromMilliseconds(600);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly List<Task> _running = [];

    private MeshConnectionGate Gate(int perAddress = 2, int total = 100) =>
        new(Options.Create(new MeshOptions
        {
            HandshakeTimeout = s_deadline,
            MaxUnauthenticatedConnectionsPerAddress = perAddress,
            MaxUnauthenticatedConnections = total,
        }), _time, NullLogger<MeshConnectionGate>.Instance);

    /// <summary>A connection from <paramref name="address"/> that says nothing: it waits, in the gate, until it is closed.</summary>
    private FakeConnection Open(MeshConnectionGate gate, string address)
    {
        var connection = new FakeConnection(IPAddress.Parse(address));
        _running.Add(gate.RunAsync(connection, static async c =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, c.ConnectionClosed);
            }
            catch (OperationCanceledException)
            {
                // Closed by the gate.
            }
        }));
        return connection;
    }

    private static void Prove(FakeConnection connection) => connection.Features.Get<MeshConnectionFeature>()!.MarkAuthenticated();

    [Fact]
    public void SilentConnection_ClosedAtTheDeadline_NotBefore()
    {
        var gate = Gate();
        var silent = Open(gate, "192.0.2.1");

        _time.Advance(s_deadline - TimeSpan.FromMilliseconds(1));
        Assert.False(silent.Aborted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(silent.Aborted);
        Assert.Equal(1, gate.Dropped(GateDropReason.Deadline));
        Assert.Equal(0, gate.Pending);
    }

    [Fact]
    public void InvitedConnection_NotClosedAtTheDeadline()
    {
        // A redemption (TLS, the invite's opening, then POST /mesh/invite) took longer than the deadline on a loaded machine.
        var gate = Gate();
        var invited = Open(gate, "192.0.2.1");
        invited.Features.Get<MeshConnectionFeature>()!.MarkInvited("token-hash");

        _time.Advance(s_deadline * 2);

        Assert.False(invited.Aborted);
        Assert.Equal(0, gate.Pending);
        Assert.Equal(0, gate.Dropped(GateDropReason.Deadline));
    }

    [Fact]
    public void ProvenConnection_NoLongerCounted_AndNotClosedAtTheDeadline()
    {
        var gate = Gate(perAddress: 1);
        var proven = Open(gate, "192.0.2.1");
        Prove(proven);

        var next = Open(gate, "192.0.2.1");
        _time.Advance(s_deadline * 2);

        Assert.False(proven.Aborted);
        Assert.True(next.Aborted);
        Assert.Equal(0, gate.Dropped(GateDropReason.RefusedAddressCap) + gate.Dropped(GateDropReason.EvictedAddressCap));
        Assert.Equal(1, gate.Dropped(GateDropReason.Deadline));
    }

    [Fact]
    public void AddressCapFull_OldestGivesWayToTheNewcomer()
    {
        var gate = Gate(perAddress: 2);
        var first = Open(gate, "192.0.2.1");
        _time.Advance(TimeSpan.FromMilliseconds(50));
        var second = Open(gate, "192.0.2.1");
        var elsewhere = Open(gate, "192.0.2.2");
        _time.Advance(s_pastGrace);

        var newcomer = Open(gate, "192.0.2.1");

        Assert.True(first.Aborted);
        Assert.False(second.Aborted);
        Assert.False(newcomer.Aborted);
        Assert.False(elsewhere.Aborted);
        Assert.Equal(1, gate.Dropped(GateDropReason.EvictedAddressCap));
        Assert.Equal(3, gate.Pending);
    }

    [Fact]
    public void AddressCapFullOfConnectionsWithinGrace_NewcomerRefused_UntilTheyAreOlder()
    {
        var gate = Gate(perAddress: 2);
        var first = Open(gate, "192.0.2.1");
        var second = Open(gate, "192.0.2.1");
        _time.Advance(TimeSpan.FromMilliseconds(400));

        var early = Open(gate, "192.0.2.1");

        Assert.True(early.Aborted);
        Assert.False(first.Aborted);
        Assert.False(second.Aborted);
        Assert.Equal(1, gate.Dropped(GateDropReason.RefusedAddressCap));

        _time.Advance(TimeSpan.FromMilliseconds(200));
        var later = Open(gate, "192.0.2.1");

        Assert.False(later.Aborted);
        Assert.True(first.Aborted);
        Assert.Equal(1, gate.Dropped(GateDropReason.EvictedAddressCap));
    }

    [Fact]
    public void HolderThatReopensEachClosedConnection_CannotPushOutAnHonestNewcomer()
    {
        // A host behind the attacker's address (NAT, or one machine with several nodes) while the attacker holds the cap
        // and opens a new connection the moment one of its own is closed.
        var gate = Gate(perAddress: 4);
        var held = Enumerable.Range(0, 4).Select(_ => Open(gate, "192.0.2.1")).ToList();
        _time.Advance(s_pastGrace);

        var honest = Open(gate, "192.0.2.1");
        for (var round = 0; round < 20; round++)
        {
            var closed = held.Count(c => c.Aborted);
            held.RemoveAll(c => c.Aborted);
            for (var i = 0; i < closed; i++)
            {
                held.Add(Open(gate, "192.0.2.1"));
            }

            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.False(honest.Aborted);
        Prove(honest);
        _time.Advance(s_deadline * 3);

        Assert.False(honest.Aborted);
        Assert.True(gate.Dropped(GateDropReason.EvictedAddressCap) >= 4);
        Assert.True(gate.Dropped(GateDropReason.RefusedAddressCap) >= 1);
        Assert.Equal(0, gate.Pending);
        Assert.DoesNotContain(_running, t => t.IsFaulted);
    }

    [Fact]
    public void TotalCapFull_TheAddressHoldingTheMostGivesWay_NotALoneConnection()
    {
        var gate = Gate(perAddress: 4, total: 6);
        var lone = Open(gate, "192.0.2.2");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var flood = Enumerable.Range(0, 4).Select(_ => Open(gate, "192.0.2.1")).ToList();
        var other = Open(gate, "192.0.2.3");
        _time.Advance(s_pastGrace);

        var newcomer = Open(gate, "192.0.2.4");

        Assert.False(newcomer.Aborted);
        Assert.False(lone.Aborted);
        Assert.False(other.Aborted);
        Assert.True(flood[0].Aborted);
        Assert.Equal(3, flood.Count(c => !c.Aborted));
        Assert.Equal(1, gate.Dropped(GateDropReason.EvictedTotalCap));
        Assert.Equal(6, gate.Pending);
    }

    [Fact]
    public void TotalCapFullOfConnectionsWithinGrace_NewcomerRefused()
    {
        var gate = Gate(perAddress: 2, total: 3);
        Open(gate, "192.0.2.1");
        Open(gate, "192.0.2.2");
        Open(gate, "192.0.2.3");

        var newcomer = Open(gate, "192.0.2.4");

        Assert.True(newcomer.Aborted);
        Assert.Equal(1, gate.Dropped(GateDropReason.RefusedTotalCap));
        Assert.Equal(3, gate.Pending);
    }

    /// <summary>Just enough of a Kestrel connection for the gate: a remote address, features, and an abort that takes effect at once.</summary>
    private sealed class FakeConnection(IPAddress address) : ConnectionContext
    {
        private readonly CancellationTokenSource _closed = new();

        public bool Aborted => _closed.IsCancellationRequested;

        public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("n");

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override IDuplexPipe Transport { get; set; } = null!;

        public override EndPoint? RemoteEndPoint { get; set; } = new IPEndPoint(address, 40_000);

        public override CancellationToken ConnectionClosed
        {
            get => _closed.Token;
            set => throw new NotSupportedException();
        }

        public override void Abort(ConnectionAbortedException abortReason) => _closed.Cancel();
    }
}
