using System.Net;
using System.Net.WebSockets;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Links;

/// <summary>
/// Keeps one authenticated link per admitted peer (DESIGN §4): dials peers heard of by discovery, static peers and
/// peer exchange; accepts links dialled to us; resolves duplicates; reconnects with jittered exponential backoff.
/// </summary>
/// <remarks>
/// Tie-break: the node with the lower node id dials. A higher-id node dials too when the lower one has not linked
/// within <see cref="FallbackDialDelay"/> (it may not be able to reach us); if both links come up, the one dialled
/// by the lower id is kept on both sides, so they agree without talking about it.
/// <para>
/// Bounds against an insider (issue 14): a node id that never completed a handshake is dialled at most
/// <see cref="MaxUnverifiedDials"/> times and then dropped (and its hints ignored for a while), as is one not heard of for
/// <see cref="UnverifiedExpiry"/>; a peer-exchange message is read up to <see cref="MaxExchangedPeers"/> entries, and each peer
/// may introduce at most <see cref="MaxIntroductionsPerMinute"/> new nodes a minute; and all dials together are bounded by
/// <see cref="MaxDialsPerMinute"/>.
/// </para>
/// <para>
/// Past a full mesh (issue 20): with <see cref="MeshOptions.MaxLinks"/> set, the node dials random peers it knows of only while
/// it has dialled fewer links than that, accepts links dialled to it up to <see cref="AcceptFactor"/> times as many, and refuses
/// beyond that (<see cref="Refuse"/>) with a sample of its peers, which the refused dialler adds to those it may dial. Peer
/// exchange and this dialling then form a random overlay of bounded degree (at most 3 × MaxLinks links, 2 × on average); with
/// 0, the default, every peer is dialled (a full mesh). The degree counts the links a node dialled, not all of them: counting
/// all, a group of nodes that had filled their degree with links among themselves stopped dialling and stayed an island. For the
/// same reason static peers are dialled whatever the degree, and when one refuses, one of the peers it named (a bridge) is too:
/// without, 2,000 simulated nodes, each knowing one static peer, formed 21 islands (bench <c>overlay --real</c>).
/// </para>
/// </remarks>
internal sealed partial class LinkManager(
    ILinkDialer dialer,
    MeshLinks links,
    LinkCodec codec,
    IEnumerable<IMeshParticipant> participants,
    IEnumerable<ParticipantMessage> owners,
    PeerDirectory peers,
    StaticPeers statics,
    NodeInfo node,
    BoundEndpoints bound,
    IOptions<MeshOptions> options,
    MeshMetrics metrics,
    TrafficMetrics traffic,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<LinkManager> logger) : BackgroundService
{
    public static readonly TimeSpan FallbackDialDelay = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan UnverifiedExpiry = TimeSpan.FromMinutes(10);
    public const int MaxUnverifiedDials = 5;
    public const int MaxDialsPerMinute = 120;
    public const int MaxExchangedPeers = 64;
    public const int MaxIntroductionsPerMinute = 32;

    /// <summary>With <see cref="MeshOptions.MaxLinks"/> set, the links dialled to a node that it accepts: this many times that degree.</summary>
    public const int AcceptFactor = 2;

    /// <summary>
    /// Links a node keeps at the configured ping interval; with more, the interval grows in proportion, so a node's pings stay
    /// at most 20 per interval however large the mesh (issue 20). An idle link's ping costs about 310 bytes on the wire (the
    /// ping and its pong, each a TLS record in a TCP segment, and a bare ACK), 84 % of it headers: at 50 nodes, 49 links
    /// pinged every 5 s were 1.5 KB/s of control traffic per node; with 24 per interval 0.89 KB/s (max 1.09); with 20,
    /// about 0.75. A silent peer is then noticed later (3 intervals: 37 s at 49 links); a closed connection, as when a node
    /// is killed, still at once.
    /// </summary>
    public const int LinksPerPingInterval = 20;
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(30);
    private readonly MeshOptions _options = options.Value;
    private readonly IMeshParticipant[] _participants = [.. participants];
    private readonly Dictionary<Type, IMeshParticipant> _owners = Owners(participants, owners);
    private readonly Dictionary<string, DialTarget> _targets = new(StringComparer.Ordinal);
    private readonly WakeSignal _wake = new();
    private int _dropped; // 1 when a dial dropped its node since the loop last looked
    private readonly RateWindow _dials = new(MaxDialsPerMinute, TimeSpan.FromMinutes(1), time);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RateWindow> _introductions = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];
    private CancellationToken _stopping;

    private sealed class DialTarget
    {
        public int Failures { get; set; }
        public DateTimeOffset NextAttempt { get; set; }
        public bool InProgress { get; set; }
        public string? NodeId { get; set; }

        public bool Static { get; init; }

        public string? Host { get; set; }

        public int Port { get; set; }

        public string? LastError { get; set; }

        public DateTimeOffset? LastAttempt { get; set; }

        /// <summary>Its node was dropped as unverified; the dial loop removes the target.</summary>
        public bool Dropped { get; set; }

        /// <summary>
        /// With a degree: a peer named by a static peer (or another bridge) that refused us, dialled whatever the degree until
        /// linked, so a node whose way in is full still joins that peer's part of the mesh.
        /// </summary>
        public bool Bridge { get; set; }
    }

    /// <summary>Closes the link to a revoked node; it is never dialled or accepted again.</summary>
    public void Revoke(string nodeId) => links.Close(nodeId);

    /// <summary>
    /// Whether a link dialled by <paramref name="nodeId"/> is refused: null when it is accepted (no degree is set, the peer is
    /// linked already, or fewer than <see cref="AcceptFactor"/> × <see cref="MeshOptions.MaxLinks"/> links were dialled to this node); else
    /// the peers this node is linked to, in random order, for the dialler to dial instead.
    /// </summary>
    /// <remarks>
    /// Checked before the link is accepted; of links dialled at the same moment that pass it together, those past the bound are
    /// closed as they come up (and their diallers, trying again, are refused here).
    /// </remarks>
    public IReadOnlyList<ExchangedPeer>? Refuse(string nodeId)
    {
        if (_options.MaxLinks <= 0 || links.IsLinked(nodeId) || links.CountByDialler().Accepted < AcceptFactor * _options.MaxLinks)
        {
            return null;
        }

        return [.. links.All().Select(l => peers.Find(l.RemoteNodeId)).OfType<PeerInfo>().Where(p => p.MeshPort > 0 && !p.Revoked && p.NodeId != nodeId)
            .OrderBy(_ => Random.Shared.Next()).Take(MaxExchangedPeers)
            .Select(p => new ExchangedPeer(p.NodeId, [.. p.Addresses.Select(a => a.ToString())], p.MeshPort))];
    }

    /// <summary>Runs a link that a peer dialled to us, until it closes or the node stops.</summary>
    public async Task AcceptAsync(string nodeId, WebSocket socket, IPAddress remote, CancellationToken cancellationToken)
    {
        // Links end as soon as the node starts stopping, so the server is not kept waiting for open requests.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await RunLinkAsync(new Link(socket, nodeId, nodeId, remote, codec, time), linked.Token,
            _options.MaxLinks > 0 ? AcceptFactor * _options.MaxLinks : int.MaxValue);
    }

    protected override async Task ExecuteAsync(CancellationToken serviceStopping)
    {
        // The node stops dialling as soon as it starts stopping, not when this service's turn to stop comes: a link it made
        // meanwhile came up on the peer and was dropped at once (seen under load, issue 14).
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(serviceStopping, lifetime.ApplicationStopping);
        var stoppingToken = stopping.Token;
        _stopping = stoppingToken;
        traffic.Observe("links", links.Traffic);
        await lifetime.WaitForStartAsync(stoppingToken);

        SyncStatic();
        statics.Changed += OnStaticChanged;
        peers.PeerAppeared += OnPeerAppeared;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Every 0.5 s while a peer waits to be dialled; when all are linked, only when something happens (a peer heard of,
                // a link down, a static peer added all wake the loop) or every 5 s, to expire unverified nodes (issue 20).
                var waiting = DialDueTargets();
                await _wake.WaitAsync(waiting ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            statics.Changed -= OnStaticChanged;
            peers.PeerAppeared -= OnPeerAppeared;
            foreach (var link in links.All())
            {
                link.Close();
            }

            Task[] running;
            lock (_running)
            {
                running = [.. _running];
            }

            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    /// <summary>What dialling each target came to: the peers this node tries to reach, and why the last try failed.</summary>
    public IReadOnlyList<DialStatus> DialStatuses()
    {
        lock (_targets)
        {
            return [.. _targets.Values.Where(t => t.Host is not null)
                .Select(t => new DialStatus(t.NodeId, t.Host!, t.Port, t.Static, t.Failures, t.LastError, t.LastAttempt))];
        }
    }

    private void OnPeerAppeared(string nodeId) => _wake.Set();

    private void OnStaticChanged()
    {
        SyncStatic();
        _wake.Set();
    }

    /// <summary>Makes the static dial targets those of <see cref="StaticPeers"/>: added ones are dialled at once, removed ones no more.</summary>
    private void SyncStatic()
    {
        var wanted = statics.All.Select(p => "static:" + p.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        lock (_targets)
        {
            foreach (var key in _targets.Keys.Where(k => k.StartsWith("static:", StringComparison.Ordinal) && !wanted.Contains(k)).ToList())
            {
                _targets.Remove(key);
            }

            foreach (var key in wanted)
            {
                _targets.TryAdd(key, new DialTarget { Static = true });
            }
        }
    }

    /// <summary>Starts the dials that are due; true while some peer or static peer is not linked (its dial may come due).</summary>
    private bool DialDueTargets()
    {
        lock (_targets)
        {
            return DialDueTargetsLocked();
        }
    }

    private bool DialDueTargetsLocked()
    {
        var waiting = false;
        var now = time.GetUtcNow();
        if (Interlocked.Exchange(ref _dropped, 0) == 1)
        {
            // Targets of nodes dropped after their dials failed (see DialAsync).
            foreach (var (key, _) in _targets.Where(t => t.Value is { Dropped: true, InProgress: false }).ToList())
            {
                _targets.Remove(key);
            }
        }

        // With a degree (Mesh:MaxLinks), only as many new dials as dialled links are missing, to random peers; without, all of them.
        var degree = _options.MaxLinks;
        var dialled = degree <= 0 ? 0 : links.CountByDialler().Dialled;
        var room = degree <= 0 ? int.MaxValue
            : degree - dialled - _targets.Values.Count(t => t.InProgress && (t.NodeId is null || !links.IsLinked(t.NodeId)));
        var due = new List<(DialTarget Target, string Host, int Port, string? NodeId)>();
        foreach (var peer in peers.Snapshot())
        {
            if (peer.Revoked || links.IsLinked(peer.NodeId))
            {
                continue;
            }

            if (now - peer.LastSeen >= UnverifiedExpiry && !peers.WasAdmitted(peer.NodeId) && peers.Forget(peer.NodeId))
            {
                LogDroppedUnheard(peer.NodeId[..Math.Min(12, peer.NodeId.Length)], peer.LastSeen);
                _targets.Remove(peer.NodeId);
                continue;
            }

            if (!peer.Online || peer.MeshPort <= 0 || peer.Addresses.Count == 0)
            {
                continue;
            }

            waiting = true;
            // The lower id dials; the higher one only if the lower has stayed silent (it may not reach us).
            var mine = string.CompareOrdinal(node.NodeId, peer.NodeId) < 0;
            if (!mine && now - peer.FirstSeen < FallbackDialDelay)
            {
                continue;
            }

            var target = Target(peer.NodeId);
            target.NodeId = peer.NodeId;
            var address = peer.Addresses[target.Failures % peer.Addresses.Count];
            due.Add((target, address.ToString(), peer.MeshPort, peer.NodeId));
        }

        foreach (var (key, target) in _targets.Where(t => t.Key.StartsWith("static:", StringComparison.Ordinal)).ToList())
        {
            if (target.NodeId is { } known && (links.IsLinked(known) || peers.IsRevoked(known)))
            {
                continue;
            }

            if (PeerAddress.TryParse(key["static:".Length..], out var address))
            {
                waiting = true;
                due.Add((target, address.Host, address.Port, null));
            }
        }

        if (degree <= 0)
        {
            foreach (var (target, host, port, expected) in due)
            {
                StartDial(target, host, port, expected, now);
            }

            return waiting;
        }

        // Static peers and bridges whatever the degree (they are the node's way in); then random ones while dialled links are
        // missing; once the degree is reached, nothing else is waited for.
        var bridging = false;
        foreach (var (target, host, port, expected) in due.OrderBy(d => d.Target.Static || d.Target.Bridge ? 0 : 1).ThenBy(_ => Random.Shared.Next()))
        {
            if (target.Static || target.Bridge)
            {
                bridging = true;
                StartDial(target, host, port, expected, now);
            }
            else if (room > 0 && StartDial(target, host, port, expected, now))
            {
                room--;
            }
        }

        return waiting && (dialled < degree || bridging);
    }

    private DialTarget Target(string key)
    {
        if (!_targets.TryGetValue(key, out var target))
        {
            target = new DialTarget();
            _targets[key] = target;
        }

        return target;
    }

    private bool StartDial(DialTarget target, string host, int port, string? expectedNodeId, DateTimeOffset now)
    {
        if (target.InProgress || now < target.NextAttempt || !_dials.TryTake())
        {
            return false;
        }

        target.InProgress = true;
        target.Host = host;
        target.Port = port;
        target.LastAttempt = now;
        if (target.NodeId is { } nodeId)
        {
            links.WhenNotLinked(nodeId, () => peers.SetLink(nodeId, LinkState.Connecting, null));
        }

        var task = Task.Run(() => DialAsync(target, host, port, expectedNodeId), CancellationToken.None);
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }

        return true;
    }

    private async Task DialAsync(DialTarget target, string host, int port, string? expectedNodeId)
    {
        DialedLink? dialed = null;
        try
        {
            dialed = await dialer.DialLinkAsync(host, port, expectedNodeId, _stopping);
            target.NodeId = dialed.NodeId;
            target.Bridge = false;
            target.Failures = 0;
            target.LastError = null;
            LogLinked(dialed.Name, dialed.NodeId[..12], host, port);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping, lifetime.ApplicationStopping);
            await RunLinkAsync(new Link(dialed.Socket, dialed.NodeId, node.NodeId, dialed.Address, codec, time), linked.Token);
            // The link ended: try again soon (the peer may be restarting), backing off if it keeps failing.
            target.NextAttempt = time.GetUtcNow() + Jitter(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            target.Failures++;
            target.LastError = ex.Message;
            if (ex is LinkRefusedException refused)
            {
                // The peer has all the links it takes: dial some of its peers instead, one of them whatever the degree when the
                // refuser was a static peer or a bridge and none of them is linked.
                Learn(target.NodeId ?? $"{host}:{port}", refused.Peers);
                if ((target.Static || target.Bridge) && _options.MaxLinks > 0)
                {
                    target.Bridge = false;
                    Bridge(refused.Peers);
                }

                _wake.Set();
            }

            var backoff = TimeSpan.FromMilliseconds(Math.Min(s_maxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(target.Failures, 10))));
            target.NextAttempt = time.GetUtcNow() + Jitter(backoff);
            if (target.NodeId is { } nodeId)
            {
                links.WhenNotLinked(nodeId, () => peers.SetLink(nodeId, LinkState.Down, null));
            }

            LogDialFailed(host, port, ex.Message, backoff.TotalSeconds);
            if (!target.Static && target.NodeId is { } unverified && target.Failures >= MaxUnverifiedDials && !peers.WasAdmitted(unverified)
                && peers.Forget(unverified))
            {
                LogDroppedAfterDials(unverified[..Math.Min(12, unverified.Length)], target.Failures);
                target.Dropped = true;
            }
        }
        finally
        {
            dialed?.Connection.Dispose();
            target.InProgress = false;
            if (target.Dropped)
            {
                Volatile.Write(ref _dropped, 1);
            }
        }
    }

    /// <summary>
    /// Makes a random one of <paramref name="named"/> a bridge (dialled whatever the degree), unless one of them is linked or a
    /// bridge is already waiting to be dialled: one at a time, or a static peer that refuses again before a slow bridge dial
    /// completes would add a bridge each time (seen under load: a node with degree 3 dialled 6).
    /// </summary>
    private void Bridge(IReadOnlyList<ExchangedPeer> named)
    {
        var known = named.Where(p => p.NodeId != node.NodeId && peers.Find(p.NodeId) is { Revoked: false, MeshPort: > 0 }).ToList();
        if (known.Count == 0 || known.Any(p => links.IsLinked(p.NodeId)))
        {
            return;
        }

        var chosen = known[Random.Shared.Next(known.Count)];
        lock (_targets)
        {
            if (_targets.Values.Any(t => t.Bridge))
            {
                return;
            }

            var bridge = Target(chosen.NodeId);
            bridge.NodeId = chosen.NodeId;
            bridge.Bridge = true;
        }
    }

    /// <summary>The ping interval with <paramref name="linked"/> links (see <see cref="LinksPerPingInterval"/>).</summary>
    internal static TimeSpan PingInterval(TimeSpan configured, int linked) =>
        linked <= LinksPerPingInterval ? configured : configured * linked / LinksPerPingInterval;

    private static TimeSpan Jitter(TimeSpan value) => value * (0.8 + (Random.Shared.NextDouble() * 0.4));

    /// <param name="link">The link, dialled or accepted.</param>
    /// <param name="cancellationToken">Ends the link.</param>
    /// <param name="capacity">For an accepted link, the accepted links beyond which it is closed at once: <see cref="Refuse"/> is checked
    /// before it is accepted, and this makes the bound exact when links are accepted at the same moment.</param>
    private async Task RunLinkAsync(Link link, CancellationToken cancellationToken, int capacity = int.MaxValue)
    {
        await using (link)
        {
            // A link that ends at once (the node is stopping) is never announced to the participants.
            if (cancellationToken.IsCancellationRequested
                || !links.TryRegister(link, refused: peers.IsRevoked(link.RemoteNodeId), () => LinkUp(link), capacity))
            {
                return;
            }

            try
            {
                await link.RunAsync(OnMessage, OnRtt, () => PingInterval(_options.PingInterval, links.Count), _options.MissedPongs, cancellationToken);
            }
            finally
            {
                Unregister(link);
            }
        }
    }

    /// <summary>What follows a link becoming current; run by <see cref="MeshLinks.TryRegister"/>, in order with other changes.</summary>
    private void LinkUp(Link link)
    {
        link.Send(new HelloMessage(node.NodeId, node.InstanceId, node.Name, NodeInfo.Version, bound.HttpPort, bound.MeshPort));
        // The new peer gets the whole list of our links; the others hear of it once its hello says how to reach it (OnMessage).
        link.Send(PeerList(except: link.RemoteNodeId));
        peers.SetLink(link.RemoteNodeId, LinkState.Up, null);
        LogLinkUp(link.RemoteNodeId[..12], link.DialerNodeId == node.NodeId ? "this node" : "the peer");
        foreach (var participant in _participants)
        {
            participant.LinkUp(link.RemoteNodeId);
        }
    }

    private void Unregister(Link link)
    {
        var removed = links.Unregister(link, () =>
        {
            peers.SetLink(link.RemoteNodeId, LinkState.Down, null);
            LogLinkDown(link.RemoteNodeId[..12]);
            foreach (var participant in _participants)
            {
                participant.LinkDown(link.RemoteNodeId);
            }
        });
        if (removed)
        {
            // The other peers learn that this link is gone (not while this node stops: every link is going then).
            if (!_stopping.IsCancellationRequested)
            {
                links.Broadcast(new PeerChangesMessage([], [link.RemoteNodeId]));
            }

            _wake.Set();
        }
    }

    private void OnRtt(Link link)
    {
        links.WhenCurrent(link, () =>
        {
            peers.SetLink(link.RemoteNodeId, LinkState.Up, link.RttMs);
            if (link.RttMs is { } rtt)
            {
                metrics.RoundTrip(link.RemoteNodeId, peers.Find(link.RemoteNodeId)?.Name ?? link.RemoteNodeId[..12], rtt);
            }
        });
    }

    private void OnMessage(Link link, LinkMessage message)
    {
        switch (message)
        {
            case HelloMessage hello when hello.NodeId == link.RemoteNodeId:
                peers.UpdateHello(link.RemoteNodeId, hello, link.RemoteAddress);
                // Only now is the peer's mesh port known (it may have dialled us): tell the others how to reach it.
                if (links.IsCurrent(link) && Exchanged(peers.Find(link.RemoteNodeId)) is { } added)
                {
                    foreach (var other in links.All().Where(l => l.RemoteNodeId != link.RemoteNodeId))
                    {
                        other.Send(new PeerChangesMessage([added], []));
                    }
                }

                break;
            case PeerExchangeMessage exchange:
                // The peers it lists are the ones it is linked to: kept for the picture of the mesh.
                peers.ReportLinks(link.RemoteNodeId, exchange.Peers.Take(MaxExchangedPeers).Select(p => p.NodeId).Where(id => id.Length == 64));
                if (Learn(link.RemoteNodeId, exchange.Peers))
                {
                    _wake.Set();
                }

                break;
            case PeerChangesMessage changes:
                peers.ReportLinkChanges(link.RemoteNodeId, changes.Added.Take(MaxExchangedPeers).Select(p => p.NodeId).Where(id => id.Length == 64),
                    changes.Removed.Take(MaxExchangedPeers).Where(id => id.Length == 64));
                if (Learn(link.RemoteNodeId, changes.Added))
                {
                    _wake.Set();
                }

                break;
            case HelloMessage or PingMessage or PongMessage:
                break;
            default:
                if (_owners.TryGetValue(message.GetType(), out var owner) && links.IsCurrent(link))
                {
                    owner.Received(link.RemoteNodeId, message);
                }

                break;
        }
    }

    /// <summary>
    /// Adds the peers <paramref name="from"/> told us of (a peer exchange, or a refused link's sample) to those this node may
    /// dial, within the bounds on what one peer may introduce; true when one was new.
    /// </summary>
    private bool Learn(string from, IReadOnlyList<ExchangedPeer> exchanged)
    {
        var learned = false;
        var introductions = _introductions.GetOrAdd(from, _ => new RateWindow(MaxIntroductionsPerMinute, TimeSpan.FromMinutes(1), time));
        foreach (var peer in exchanged.Take(MaxExchangedPeers))
        {
            if (peer.NodeId.Length != 64 || peer.NodeId == node.NodeId || peers.IsRevoked(peer.NodeId) || peer.MeshPort is <= 0 or > 65535
                || (peers.Find(peer.NodeId) is null && !introductions.TryTake()))
            {
                continue;
            }

            var addresses = peer.Addresses.Take(PeerDirectory.MaxAddressesPerPeer)
                .Select(a => IPAddress.TryParse(a, out var ip) ? ip : null).OfType<IPAddress>().ToList();
            learned |= addresses.Count > 0 && peers.AddCandidate(peer.NodeId, addresses, peer.MeshPort);
        }

        return learned;
    }

    /// <summary>The peers this node is linked to, with the addresses it reaches them at (sent also when empty: the peer keeps
    /// what we last said about our links, and the Network screen draws them).</summary>
    private PeerExchangeMessage PeerList(string except) =>
        new([.. links.All().Where(l => l.RemoteNodeId != except).Select(l => Exchanged(peers.Find(l.RemoteNodeId))).OfType<ExchangedPeer>().Take(MaxExchangedPeers)]);

    private static ExchangedPeer? Exchanged(PeerInfo? peer) =>
        peer is { MeshPort: > 0, Revoked: false } ? new ExchangedPeer(peer.NodeId, [.. peer.Addresses.Select(a => a.ToString())], peer.MeshPort) : null;

    private static Dictionary<Type, IMeshParticipant> Owners(IEnumerable<IMeshParticipant> participants, IEnumerable<ParticipantMessage> owners)
    {
        var byType = participants.GroupBy(p => p.GetType()).ToDictionary(g => g.Key, g => g.First());
        return owners.ToDictionary(o => o.Message.Type, o => byType.TryGetValue(o.Owner, out var participant)
            ? participant
            : throw new InvalidOperationException($"{o.Owner.Name} owns link messages but is not a registered participant"));
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Information, Message = "Linked to '{Name}' ({NodeId}) at {Host}:{Port}")]
    private partial void LogLinked(string name, string nodeId, string host, int port);

    [LoggerMessage(EventId = 421, Level = LogLevel.Information, Message = "Link to {NodeId} is down")]
    private partial void LogLinkDown(string nodeId);

    [LoggerMessage(EventId = 423, Level = LogLevel.Information, Message = "Link to {NodeId} is up (dialled by {Dialer})")]
    private partial void LogLinkUp(string nodeId, string dialer);

    [LoggerMessage(EventId = 422, Level = LogLevel.Debug, Message = "Could not link to {Host}:{Port}: {Reason}; next try in about {Seconds:F1} s")]
    private partial void LogDialFailed(string host, int port, string reason, double seconds);

    [LoggerMessage(EventId = 427, Level = LogLevel.Information, Message = "Dropped node {NodeId}: {Failures} dials failed and it never completed a handshake")]
    private partial void LogDroppedAfterDials(string nodeId, int failures);

    [LoggerMessage(EventId = 428, Level = LogLevel.Information, Message = "Dropped node {NodeId}: it never completed a handshake and was last heard of at {LastSeen}")]
    private partial void LogDroppedUnheard(string nodeId, DateTimeOffset lastSeen);
}
