using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// Connection middleware in front of TLS on the mesh port: bounds the connections that have not yet proven admission, per
/// address and in all (<see cref="UnadmittedConnections"/>: when a cap is full the oldest gives way), and aborts any that
/// has not proven admission within <see cref="MeshOptions.HandshakeTimeout"/>. Every connection it closes is counted by
/// reason (<see cref="GateDropReason"/>) and logged at most once a minute per reason.
/// </summary>
internal sealed partial class MeshConnectionGate
{
    private static readonly TimeSpan s_logEvery = TimeSpan.FromMinutes(1);
    private readonly MeshOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MeshConnectionGate> _logger;
    private readonly UnadmittedConnections _pending;
    private readonly long[] _dropped = new long[Enum.GetValues<GateDropReason>().Length];
    private readonly DateTimeOffset[] _lastLogged = new DateTimeOffset[Enum.GetValues<GateDropReason>().Length];

    public MeshConnectionGate(IOptions<MeshOptions> options, TimeProvider time, ILogger<MeshConnectionGate> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        // A quarter of the deadline: ample for an honest TLS 1.3 handshake and proof (milliseconds on a LAN), short enough
        // that keeping every place full of connections too young to evict takes a steady stream of new ones.
        _pending = new UnadmittedConnections(_options.MaxUnauthenticatedConnectionsPerAddress, _options.MaxUnauthenticatedConnections,
            _options.HandshakeTimeout / 4, time);
        Array.Fill(_lastLogged, DateTimeOffset.MinValue);
    }

    /// <summary>Connections open now that have not proven admission.</summary>
    public int Pending => _pending.Count;

    public long Dropped(GateDropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    public IEnumerable<(GateDropReason Reason, long Count)> DroppedByReason() => Enum.GetValues<GateDropReason>().Select(r => (r, Dropped(r)));

    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var remote = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4(); // one host counts as one address on a dual-stack socket too
        }

        var feature = new MeshConnectionFeature(this, connection, remote, _time.GetTimestamp());
        if (!_pending.TryAdd(feature, out var evicted, out var reason))
        {
            Close(feature, reason);
            return;
        }

        if (evicted is not null)
        {
            Close(evicted, reason);
        }

        connection.Features.Set(feature);
        using var deadline = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        // Removed here only if still counted, so a connection admitted, evicted or closed meanwhile is left alone.
        using var registration = deadline.Token.Register(() =>
        {
            if (_pending.Remove(feature))
            {
                Close(feature, GateDropReason.Deadline);
            }
        });
        try
        {
            await next(connection);
        }
        finally
        {
            _pending.Remove(feature);
        }
    }

    /// <summary>The connection has proven admission: it no longer counts against the caps or the deadline.</summary>
    internal void Admitted(MeshConnectionFeature connection) => _pending.Remove(connection);

    private void Close(MeshConnectionFeature connection, GateDropReason reason)
    {
        var count = Interlocked.Increment(ref _dropped[(int)reason]);
        if (ShouldLog(reason))
        {
            if (reason == GateDropReason.Deadline)
            {
                LogDeadline(connection.Remote, _options.HandshakeTimeout.TotalSeconds, count);
            }
            else
            {
                LogCapped(connection.Remote, reason, count);
            }
        }

        connection.Connection.Abort(new ConnectionAbortedException(reason == GateDropReason.Deadline
            ? "admission deadline passed"
            : "too many connections that have not proven admission"));
    }

    private bool ShouldLog(GateDropReason reason)
    {
        var now = _time.GetUtcNow();
        lock (_lastLogged)
        {
            if (now - _lastLogged[(int)reason] < s_logEvery)
            {
                return false;
            }

            _lastLogged[(int)reason] = now;
            return true;
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning,
        Message = "Closed a mesh connection from {Remote}: {Reason}, too many connections have not proven admission ({Count} since start; more are not logged for a minute)")]
    private partial void LogCapped(IPAddress remote, GateDropReason reason, long count);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information,
        Message = "Closed a mesh connection from {Remote}: it did not complete TLS and the proof of the mesh secret within {Seconds} s ({Count} since start; more are not logged for a minute)")]
    private partial void LogDeadline(IPAddress remote, double seconds, long count);
}
