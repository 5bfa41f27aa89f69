using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Discovery;

/// <summary>
/// UDP discovery (DESIGN §3): announces this node (signed ONLINE at start, on request and every interval ±20 %,
/// OFFLINE on a graceful stop) and listens for other nodes' announcements. A datagram is a hint: it only ever
/// leads to a dial, and the mesh port's mutual authentication decides who is admitted.
/// </summary>
/// <remarks>
/// The socket binds with <c>SO_REUSEADDR</c> so several nodes can share a host and port. Received datagrams are checked
/// in the receive loop (<see cref="AnnouncementFilter"/>: tag, freshness, replay, a rate limit per node id), and only
/// authentic ones go on to a bounded queue, so forgeries cannot crowd them out; everything dropped is counted by reason
/// (<see cref="DiscoveryStats"/>) and logged at most once a minute per source. In <c>loopback</c> mode the node sends only to 127.255.255.255 and
/// ignores datagrams from anywhere but loopback. An announcement from a newcomer is answered at once, but only to a source
/// on one of this node's subnets and within <see cref="ReplyLimiter"/>'s bounds, since the source address may be forged.
/// </remarks>
internal sealed partial class DiscoveryService(
    IOptions<DiscoveryOptions> options,
    NodeInfo node,
    MeshKeys keys,
    DiscoveryAdvert advert,
    PeerDirectory peers,
    DuplicateIdentity duplicates,
    DiscoveryStats stats,
    DiscoveryActivity activity,
    BoundEndpoints bound,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DiscoveryService> logger) : BackgroundService
{
    private const int QueueCapacity = 256;
    private static readonly TimeSpan s_dropLogInterval = TimeSpan.FromMinutes(1);
    private readonly DiscoveryOptions _options = options.Value;
    private readonly Channel<(Announcement Announcement, IPEndPoint From)> _queue =
        Channel.CreateBounded<(Announcement, IPEndPoint)>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = true });
    private readonly WakeSignal _announceNow = new();
    private readonly Dictionary<IPAddress, DateTimeOffset> _lastDropLog = [];
    private readonly Lock _sendLock = new();
    private readonly ReplyLimiter _replies = new(options.Value.Interval, time);
    private readonly LanSubnets _subnets = new(options.Value.Interfaces, time);
    private Socket? _socket;
    private long _lastTimestamp;

    private bool Loopback => string.Equals(_options.Mode, "loopback", StringComparison.OrdinalIgnoreCase);

    private bool Enabled => !string.Equals(_options.Mode, "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Sends an ONLINE now rather than at the next interval.</summary>
    public void AnnounceSoon() => _announceNow.Set();

    /// <summary>Binds the socket before the node reports itself started, so nothing sent to it from then on is missed.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        advert.Changed += AnnounceSoon;
        if (Enabled)
        {
            try
            {
                _socket = CreateSocket();
            }
            catch (SocketException ex)
            {
                activity.BindFailed(ex.SocketErrorCode);
                LogSocketFailed(_options.Port, ex.Message);
            }
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_socket is null)
        {
            return;
        }

        // Announcements carry the HTTP and mesh ports, known only once the server listens (they may be 0 = "any free port").
        await lifetime.WaitForStartAsync(stoppingToken);
        LogListening(_options.Mode, _options.Port);
        try
        {
            await Task.WhenAll(ReceiveAsync(_socket, stoppingToken), ProcessAsync(stoppingToken), AnnounceAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        advert.Changed -= AnnounceSoon;
        if (_socket is { } socket)
        {
            try
            {
                await SendAsync(socket, Announce(Announcement.Offline), Targets(), cancellationToken);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Best effort: peers notice a silent node by expiry anyway.
            }
        }

        await base.StopAsync(cancellationToken);
        _socket?.Dispose();
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        _announceNow.Dispose();
        base.Dispose();
    }

    private Socket CreateSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.EnableBroadcast = true;
            socket.Bind(new IPEndPoint(IPAddress.Any, _options.Port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        var filter = new AnnouncementFilter(node.NodeId, node.InstanceId, Loopback, _options.MaxAnnouncementsPerSecondPerNode, time);
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (SocketException ex)
            {
                // E.g. ICMP port unreachable reported on Windows: one bad exchange is never fatal.
                LogReceiveFailed(ex.SocketErrorCode);
                continue;
            }

            var from = (IPEndPoint)result.RemoteEndPoint;
            stats.OnReceived(result.ReceivedBytes);
            var (announcement, reason) = filter.Check(buffer.AsSpan(0, result.ReceivedBytes), from.Address, keys.All);
            if (announcement is null)
            {
                Drop(reason, from, buffer.AsSpan(0, result.ReceivedBytes));
            }
            else if (!_queue.Writer.TryWrite((announcement, from)))
            {
                Drop(DropReason.QueueFull, from, buffer.AsSpan(0, result.ReceivedBytes));
            }
            else
            {
                activity.Accepted(from.Address, announcement.Name);
            }
        }
    }

    private async Task ProcessAsync(CancellationToken cancellationToken)
    {
        await foreach (var (announcement, from) in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            await HandleAsync(announcement, from, cancellationToken);
        }
    }

    /// <summary>Acts on an announcement that <see cref="AnnouncementFilter"/> let through.</summary>
    private async Task HandleAsync(Announcement announcement, IPEndPoint from, CancellationToken cancellationToken)
    {
        if (announcement.NodeId == node.NodeId)
        {
            // Another instance with this node's identity (the filter drops this very instance's own datagrams).
            if (duplicates.Report(node.NodeId, announcement.InstanceId, from.Address) && _socket is { } twinSocket)
            {
                // Let the twin hear us too, so both sides report the copied identity.
                await ReplyAsync(twinSocket, from, cancellationToken);
            }

            return;
        }

        var isNew = peers.Observe(announcement.NodeId, announcement.InstanceId, announcement.Name, from.Address, announcement.HttpPort,
            announcement.MeshPort, announcement.Type == Announcement.Online);
        advert.Heard(announcement.NodeId, announcement.HasLlm, PeerDirectory.MaxPeers);
        if (isNew && !peers.IsRevoked(announcement.NodeId) && _socket is { } socket)
        {
            LogDiscovered(announcement.Name, announcement.NodeId[..12], from.Address);
            // Answer at once so the newcomer learns of us in one round trip, not one interval.
            await ReplyAsync(socket, from, cancellationToken);
        }
    }

    /// <summary>
    /// Answers the announcement <paramref name="from"/> sent with this node's own, unless its source is on none of this
    /// node's subnets or <see cref="ReplyLimiter"/> has none left for it: the source may be forged (issue 14, finding 3).
    /// </summary>
    private async Task ReplyAsync(Socket socket, IPEndPoint from, CancellationToken cancellationToken)
    {
        // In loopback mode the answer is the loopback broadcast, which every node on this machine hears.
        var to = Loopback ? Targets()[0] : from;
        if (!Loopback && !LanSubnets.IsLocal(from.Address, _subnets.Current))
        {
            // Discovery does not cross subnets; a source beyond them is forged, or a node that learns of this one by its
            // periodic announcements (Discovery:Targets) or by being dialled.
            stats.OnReplyWithheld(offSubnet: true);
            return;
        }

        if (!_replies.TryTake(to.Address))
        {
            stats.OnReplyWithheld(offSubnet: false);
            return;
        }

        stats.OnReplySent();
        await SendAsync(socket, Announce(Announcement.Online), [to], cancellationToken);
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_socket is { } socket)
            {
                await SendAsync(socket, Announce(Announcement.Online), Targets(), cancellationToken);
            }

            var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
            await _announceNow.WaitAsync(_options.Interval * jitter, time, cancellationToken);
        }
    }

    private byte[] Announce(string type)
    {
        long timestamp;
        lock (_sendLock)
        {
            // Strictly increasing per instance, so receivers can reject replays by timestamp alone.
            timestamp = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), _lastTimestamp + 1);
            _lastTimestamp = timestamp;
        }

        var announcement = new Announcement(type, Announcement.CurrentVersion, node.NodeId, node.InstanceId, node.Name,
            bound.MeshPort, bound.HttpPort, advert.HasLlm, advert.ModelsDigest, timestamp);
        return DiscoveryCodec.Encode(announcement, keys.Current);
    }

    private async Task SendAsync(Socket socket, byte[] datagram, IReadOnlyList<IPEndPoint> targets, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            try
            {
                await socket.SendToAsync(datagram, SocketFlags.None, target, cancellationToken);
                stats.OnSent(datagram.Length);
                activity.Sent(target);
            }
            catch (SocketException ex)
            {
                activity.SendFailed(target, ex.SocketErrorCode);
                LogSendFailed(target, ex.SocketErrorCode);
            }
        }
    }

    private List<IPEndPoint> Targets() => [.. DiscoveryTarget.For(_options, _subnets.Current).Select(t => t.EndPoint)];

    private void Drop(DropReason reason, IPEndPoint from, ReadOnlySpan<byte> datagram)
    {
        stats.OnDropped(reason);
        if (reason != DropReason.Own)
        {
            // Who sent it, for the doctor: a stale datagram passed the tag check, so its timestamp tells how far its clock is off.
            var (claimedName, timestamp) = DiscoveryCodec.Peek(datagram);
            long? skew = reason == DropReason.Stale && timestamp is { } ts ? time.GetUtcNow().ToUnixTimeMilliseconds() - ts : null;
            activity.Refused(from.Address, reason, claimedName, skew);
        }

        var now = time.GetUtcNow();
        lock (_lastDropLog)
        {
            if (_lastDropLog.TryGetValue(from.Address, out var last) && now - last < s_dropLogInterval)
            {
                return;
            }

            if (_lastDropLog.Count >= 1024)
            {
                _lastDropLog.Clear();
            }

            _lastDropLog[from.Address] = now;
        }

        LogDropped(reason, from);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Discovery ({Mode}) on UDP port {Port}")]
    private partial void LogListening(string mode, int port);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Discovery is off: cannot use UDP port {Port} ({Reason}). Choose another with --discovery-port, or give peers with --peer")]
    private partial void LogSocketFailed(int port, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Discovered node '{Name}' ({NodeId}) at {Address}")]
    private partial void LogDiscovered(string name, string nodeId, IPAddress address);

    [LoggerMessage(EventId = 203, Level = LogLevel.Debug, Message = "Dropped a discovery datagram from {Source}: {Reason} (further drops from this source are not logged for a minute)")]
    private partial void LogDropped(DropReason reason, IPEndPoint source);

    [LoggerMessage(EventId = 204, Level = LogLevel.Debug, Message = "Discovery receive failed: {Error}")]
    private partial void LogReceiveFailed(SocketError error);

    [LoggerMessage(EventId = 205, Level = LogLevel.Debug, Message = "Discovery send to {Target} failed: {Error}")]
    private partial void LogSendFailed(IPEndPoint target, SocketError error);
}
