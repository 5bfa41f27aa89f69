using System.Collections.Concurrent;
using System.Net;
using MeshMind.Infrastructure;
using MeshMind.Node;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The one place that knows how to reach a peer's mesh port over HTTP (DESIGN §5): mutual TLS with this node's
/// certificate, accepting only the certificate whose hash is the peer's node id, and a proof of a secret in force both
/// ways on each new connection (one round trip, then the connection serves many requests); one connection pool per peer; every
/// call measured (<see cref="CallMetricsHandler"/>, its bytes counted as the <c>proxy</c> channel). Features call their
/// peer endpoints through these clients.
/// </summary>
internal sealed class PeerHttpClients(NodeIdentity identity, ConnectionProver prover, OutboundCallMetrics calls, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<(string NodeId, string Endpoint), Lazy<HttpClient>> _clients = new();

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
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        _clients.Clear();
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
        var handler = MeshClientHandler.Create(identity, prover, serverNodeId => serverNodeId == nodeId);
        handler.ConnectTimeout = TimeSpan.FromSeconds(3);
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60);
        handler.EnableMultipleHttp2Connections = true;
        HttpMessageHandler versioned = http2 ? new Http2Handler(handler) : handler;
        return new HttpClient(new CallMetricsHandler("peer", calls, time, versioned, channel: "proxy"))
        {
            BaseAddress = new UriBuilder(Uri.UriSchemeHttps, address.ToString(), port).Uri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }
}
