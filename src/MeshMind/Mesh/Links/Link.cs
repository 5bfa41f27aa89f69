using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace MeshMind.Mesh.Links;

/// <summary>
/// One live control channel to a peer: a WebSocket over the mutual-TLS mesh port carrying <see cref="LinkMessage"/>s.
/// The side that dialled pings every interval and the other answers; dead when nothing has been heard for a number of
/// intervals, or when the socket closes.
/// </summary>
/// <remarks>
/// An idle link's cost is its pings (issue 20): on the wire each ping or pong is a TLS record in a TCP segment, about 120
/// bytes, and each wakes both processes. Before, both sides pinged, so an idle link carried two pings and two pongs per
/// interval; now only the dialler does, and tells the other side the round trip it measured (<see cref="PingMessage.RttMs"/>).
/// The other side pings only when it has heard nothing for half an interval longer than its own interval (its peer's pings
/// stopped, or its peer pings less often), so each side still notices a silent peer on its own.
/// </remarks>
internal sealed class Link(WebSocket socket, string remoteNodeId, string dialerNodeId, IPAddress? remoteAddress, LinkCodec codec, TimeProvider time) : IAsyncDisposable
{
    private const int OutboxCapacity = 256;
    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutboxCapacity) { SingleReader = true });
    private readonly CancellationTokenSource _closed = new();
    private long _nextPing;
    private long _pingSentAt;
    private long _lastHeard;
    private long _bytesIn;
    private long _bytesOut;

    public string RemoteNodeId { get; } = remoteNodeId;

    /// <summary>Which side opened this link; on duplicates the one dialled by the lower node id survives.</summary>
    public string DialerNodeId { get; } = dialerNodeId;

    public IPAddress? RemoteAddress { get; } = remoteAddress;

    /// <summary>Whether this side pings every interval: the side that dialled (the other answers).</summary>
    public bool Leads => DialerNodeId != RemoteNodeId;

    public double? RttMs { get; private set; }

    /// <summary>Message bytes received on this link (WebSocket payloads).</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Message bytes sent on this link (WebSocket payloads).</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Queues a message. A peer too slow to drain its queue gets its link closed rather than unbounded memory.</summary>
    public void Send(LinkMessage message)
    {
        if (!_outbox.Writer.TryWrite(codec.Encode(message)))
        {
            Close();
        }
    }

    /// <summary>Ends the link. Safe to call at any time, from any thread, also after the link has ended.</summary>
    public void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already ended and disposed.
        }
    }

    /// <summary>Runs the link until it closes; <paramref name="onMessage"/> gets each parsed message, <paramref name="onRtt"/> each round trip.</summary>
    /// <remarks><paramref name="pingInterval"/> is asked again before each ping: the interval may grow with the number of links.</remarks>
    public async Task RunAsync(Action<Link, LinkMessage> onMessage, Action<Link> onRtt, Func<TimeSpan> pingInterval, int missedPongs, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        var token = linked.Token;
        var tasks = new[] { WriteAsync(token), ReadAsync(onMessage, onRtt, token), PingAsync(pingInterval, missedPongs, token) };
        try
        {
            await Task.WhenAny(tasks);
        }
        finally
        {
            await linked.CancelAsync();
            socket.Abort();
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
            {
                // The link is over either way.
            }
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken))
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            Interlocked.Add(ref _bytesOut, message.Length);
        }
    }

    private async Task ReadAsync(Action<Link, LinkMessage> onMessage, Action<Link> onRtt, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (!cancellationToken.IsCancellationRequested)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(8 * 1024), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > LinkCodec.MaxMessageBytes)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message over 1 MiB", cancellationToken);
                    return;
                }
            }
            while (!result.EndOfMessage);

            Interlocked.Exchange(ref _lastHeard, time.GetTimestamp());
            Interlocked.Add(ref _bytesIn, buffer.WrittenCount);
            switch (codec.Parse(buffer.WrittenSpan))
            {
                case PingMessage ping:
                    Send(new PongMessage(ping.Id));
                    if (ping.RttMs is >= 0 and < 600_000 && !Leads)
                    {
                        // The dialler measured this round trip; the answering side takes it as its own.
                        RttMs = ping.RttMs;
                        onRtt(this);
                    }

                    break;
                case PongMessage pong when pong.Id == Interlocked.Read(ref _nextPing) - 1:
                    RttMs = time.GetElapsedTime(Interlocked.Read(ref _pingSentAt)).TotalMilliseconds;
                    onRtt(this);
                    break;
                case PongMessage:
                    break;
                case { } message:
                    onMessage(this, message);
                    break;
                default:
                    // Unknown type or malformed: skipped, so newer peers can add message types.
                    break;
            }
        }
    }

    /// <summary>
    /// Pings and ends the link once nothing at all has been heard for <paramref name="missedPongs"/> intervals (the answering
    /// side: 1.5 more). The leading side pings every interval; the other only when it has heard nothing for 1.5 intervals. It sleeps until the next ping
    /// or that deadline, whichever is first, so a silent peer is noticed <c>missedPongs × interval</c> after it was last heard
    /// (15 s with the defaults) while an idle link costs one wake-up per interval on each side.
    /// </summary>
    private async Task PingAsync(Func<TimeSpan> intervalNow, int missedPongs, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastHeard, time.GetTimestamp());
        var lastPing = Leads ? time.GetTimestamp() - (long)(intervalNow().TotalSeconds * time.TimestampFrequency) : time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            var interval = intervalNow();
            // The answering side starts asking only after 1.5 intervals of silence; it waits as long again past the leader's
            // limit, so it too has sent missedPongs pings of its own before it gives up (a busy peer whose timer runs late still
            // answers pings: one CI run under load lost a link with the same limit on both sides).
            var deadAfter = Leads ? interval * missedPongs : interval * (missedPongs + 1.5);
            var silentFor = time.GetElapsedTime(Interlocked.Read(ref _lastHeard));
            if (silentFor >= deadAfter)
            {
                return;
            }

            var every = Leads ? interval : interval * 1.5;
            var sincePing = time.GetElapsedTime(lastPing);
            if (sincePing >= every && (Leads || silentFor >= every))
            {
                lastPing = time.GetTimestamp();
                sincePing = TimeSpan.Zero;
                Interlocked.Exchange(ref _pingSentAt, lastPing);
                Send(new PingMessage(Interlocked.Increment(ref _nextPing) - 1, Leads && RttMs is { } rtt ? Math.Round(rtt, 3) : null));
            }

            var untilPing = every - sincePing;
            if (!Leads && every - silentFor > untilPing)
            {
                untilPing = every - silentFor;
            }

            var untilDead = deadAfter - silentFor;
            await Task.Delay(untilPing < untilDead ? untilPing : untilDead, time, cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _closed.Dispose();
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
