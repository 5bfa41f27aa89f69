using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace MeshMind.Mesh.Links;

/// <summary>
/// One live control channel to a peer: a WebSocket over the mutual-TLS mesh port carrying <see cref="LinkMessage"/>s.
/// Pings every interval; dead when nothing has been heard for a number of intervals, or when the socket closes.
/// </summary>
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
    public async Task RunAsync(Action<Link, LinkMessage> onMessage, Action<Link> onRtt, TimeSpan pingInterval, int missedPongs, CancellationToken cancellationToken)
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
    /// Pings every <paramref name="interval"/> and ends the link once nothing at all has been heard for
    /// <paramref name="missedPongs"/> intervals. It sleeps until the next ping or that deadline, whichever is first, so a
    /// silent peer is noticed <c>missedPongs × interval</c> after it was last heard (15 s with the defaults) while an
    /// idle link costs one wake-up per interval.
    /// </summary>
    private async Task PingAsync(TimeSpan interval, int missedPongs, CancellationToken cancellationToken)
    {
        var deadAfter = interval * missedPongs;
        Interlocked.Exchange(ref _lastHeard, time.GetTimestamp());
        var lastPing = time.GetTimestamp() - (long)(interval.TotalSeconds * time.TimestampFrequency);
        while (!cancellationToken.IsCancellationRequested)
        {
            var silentFor = time.GetElapsedTime(Interlocked.Read(ref _lastHeard));
            if (silentFor >= deadAfter)
            {
                return;
            }

            if (time.GetElapsedTime(lastPing) >= interval)
            {
                lastPing = time.GetTimestamp();
                Interlocked.Exchange(ref _pingSentAt, lastPing);
                Send(new PingMessage(Interlocked.Increment(ref _nextPing) - 1));
            }

            var untilPing = interval - time.GetElapsedTime(lastPing);
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
