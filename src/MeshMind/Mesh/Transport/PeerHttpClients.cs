using System.Collections.Concurrent;
using System.Net;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;
using MeshMind.Node;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The one place that knows how to reach a peer's mesh port over HTTP (DESIGN §5): mutual TLS with this node's
/// certificate, accepting only the certificate whose hash is the peer's node id, and a proof of a secret in force both
/// ways on each new connection (one round trip, then the connection serves many requests); one connection pool per peer; every
/// call measured (<see cref="CallMetricsHandler"/>, its bytes counted as the <c>proxy</c> channel). Features call their
/// peer endpoints through these clients.
/// </summary>
/// <remarks>
/// A connection's opening proves the secrets this node held when it was made; after the current secret changes (a rotation, a
/// join), new connections are made for new requests, so they prove the new one, which outlasts the grace period. The clients
/// before the change are disposed at the next change (the end of the grace period), when their connections stop being admitted.
/// </remarks>
internal sealed class PeerHttpClients : IDisposable
{
    private readonly NodeIdentity _identity;
    private readonly ConnectionProver _prover;
    private readonly OutboundCallMetrics _calls;
    private readonly MeshKeys _keys;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private ConcurrentDictionary<(string NodeId, string Endpoint), Lazy<HttpClient>> _clients = new();
    private ConcurrentDictionary<(string NodeId, string Endpoint), Lazy<HttpClient>> _retired = new();
    private MeshKeySet _current;

    public PeerHttpClients(NodeIdentity identity, ConnectionProver prover, OutboundCallMetrics calls, MeshKeys keys, TimeProvider time)
    {
        (_identity, _prover, _calls, _keys, _time) = (identity, prover, calls, keys, time);
        _current = keys.Current;
        keys.Changed += OnKeysChanged;
    }

    /// <summary>The client for a peer's mesh endpoints (HTTP/2, shared by concurrent requests), base address set.</summary>
    public HttpClient HttpFor(string nodeId, IPAddress address, int port)
    {
        var endpoint = new IPEndPoint(address, port).ToString();
        return _clients.GetOrAdd((nodeId, endpoint), key => new Lazy<HttpClient>(() => Create(key.NodeId, address, port, http2: true))).Value;
    }

    /// <summary>
    /// A client for bulk transfers from a peer's mesh port (<c>GET /mesh/files/{sha256}</c>): HTTP/1.1, one TLS connection per
    /// transfer, without HTTP/2's framing and flow-control windows, which cost a proxied 1 GiB download most of its rate.
    /// </summary>
    public HttpClient BulkHttpFor(string nodeId, IPAddress address, int port)
    {
        var endpoint = "bulk " + new IPEndPoint(address, port);
        return _clients.GetOrAdd((nodeId, endpoint), key => new Lazy<HttpClient>(() => Create(key.NodeId, address, port, http2: false))).Value;
    }

    /// <summary>Drops a peer's clients (revoked, or gone); open requests finish on their own.</summary>
    public void Forget(string nodeId)
    {
        foreach (var key in _clients.Keys.Where(k => k.NodeId == nodeId))
        {
            if (_clients.TryRemove(key, out var client) && client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _keys.Changed -= OnKeysChanged;
        foreach (var client in _clients.Values.Concat(_retired.Values).Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        _clients.Clear();
        _retired.Clear();
    }

    private void OnKeysChanged()
    {
        ConcurrentDictionary<(string, string), Lazy<HttpClient>> ended;
        lock (_lock)
        {
            ended = _retired;
            if (_keys.Current != _current)
            {
                _current = _keys.Current;
                _retired = Interlocked.Exchange(ref _clients, new());
            }
            else
            {
                _retired = new();
            }
        }

        foreach (var client in ended.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    /// <summary>
    /// Sends every request as HTTP/2 (DESIGN §5), so concurrent chats to one peer share one authenticated connection:
    /// no TLS handshake per chat, and a burst never looks like a flood of unauthenticated connections to the peer's gate.
    /// Callers build their own requests, which would otherwise default to HTTP/1.1.
    /// </summary>
    private sealed class Http2Handler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }

    private HttpClient Create(string nodeId, IPAddress address, int port, bool http2)
    {
        var handler = MeshClientHandler.Create(_identity, _prover, serverNodeId => serverNodeId == nodeId);
        handler.ConnectTimeout = TimeSpan.FromSeconds(3);
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60);
        handler.EnableMultipleHttp2Connections = true;
        HttpMessageHandler versioned = http2 ? new Http2Handler(handler) : handler;
        return new HttpClient(new CallMetricsHandler("peer", _calls, _time, versioned, channel: "proxy"))
        {
            BaseAddress = new UriBuilder(Uri.UriSchemeHttps, address.ToString(), port).Uri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }
}
