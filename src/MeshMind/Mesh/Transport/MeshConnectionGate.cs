using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// Connection middleware in front of TLS on the mesh port: caps not-yet-admitted connections per address and aborts
/// any connection that has not proven admission within <see cref="MeshOptions.HandshakeTimeout"/>.
/// </summary>
internal sealed partial class MeshConnectionGate(IOptions<MeshOptions> options, TimeProvider time, ILogger<MeshConnectionGate> logger)
{
    private readonly Dictionary<IPAddress, int> _pending = [];
    private readonly MeshOptions _options = options.Value;

    public async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var remote = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (!TryEnter(remote))
        {
            LogRefused(remote);
            connection.Abort(new ConnectionAbortedException("too many unauthenticated connections from this address"));
            return;
        }

        var feature = new MeshConnectionFeature(this, remote);
        connection.Features.Set(feature);
        using var deadline = new CancellationTokenSource(_options.HandshakeTimeout, time);
        using var registration = deadline.Token.Register(() =>
        {
            if (!feature.Authenticated)
            {
                connection.Abort(new ConnectionAbortedException("admission deadline passed"));
            }
        });
        try
        {
            await next(connection);
        }
        finally
        {
            feature.Closed();
        }
    }

    internal void Leave(IPAddress remote)
    {
        lock (_pending)
        {
            if (_pending.TryGetValue(remote, out var count))
            {
                if (count <= 1)
                {
                    _pending.Remove(remote);
                }
                else
                {
                    _pending[remote] = count - 1;
                }
            }
        }
    }

    private bool TryEnter(IPAddress remote)
    {
        lock (_pending)
        {
            var count = _pending.GetValueOrDefault(remote);
            if (count >= _options.MaxUnauthenticatedConnectionsPerAddress)
            {
                return false;
            }

            _pending[remote] = count + 1;
            return true;
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Refused a mesh connection from {Remote}: too many connections from it have not proven admission")]
    private partial void LogRefused(IPAddress remote);
}
