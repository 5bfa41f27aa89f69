using System.Collections.Concurrent;
using System.Net;
using MeshMind.Analytics;
using MeshMind.Mesh;
using OllamaSharp;

namespace MeshMind.Llm;

/// <summary>
/// Ollama clients for peers' mesh ports (DESIGN §5): the same OllamaSharp client as for the local LLM, over mutual TLS
/// with this node's certificate, accepting only the certificate whose hash is the peer's node id.
/// </summary>
public sealed class PeerLlmClients(NodeIdentity identity, AnalyticsRecorder recorder, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<(string NodeId, string Endpoint), Lazy<(HttpClient Http, OllamaApiClient Client)>> _clients = new();

    public OllamaApiClient For(string nodeId, IPAddress address, int port) => Get(nodeId, address, port).Client;

    /// <summary>The same mutual-TLS connection pool for the peer's other mesh routes (files), base address set.</summary>
    public HttpClient HttpFor(string nodeId, IPAddress address, int port) => Get(nodeId, address, port).Http;

    private (HttpClient Http, OllamaApiClient Client) Get(string nodeId, IPAddress address, int port)
    {
        var endpoint = new IPEndPoint(address, port).ToString();
        return _clients.GetOrAdd((nodeId, endpoint), key => new Lazy<(HttpClient, OllamaApiClient)>(() => Create(key.NodeId, address, port))).Value;
    }

    /// <summary>Drops a peer's clients (revoked, or gone); open requests finish on their own.</summary>
    public void Forget(string nodeId)
    {
        foreach (var key in _clients.Keys.Where(k => k.NodeId == nodeId))
        {
            if (_clients.TryRemove(key, out var client) && client.IsValueCreated)
            {
                client.Value.Http.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Http.Dispose();
        }

        _clients.Clear();
    }

    /// <summary>
    /// Sends every request as HTTP/2 (DESIGN §5), so concurrent chats to one peer share one authenticated connection:
    /// no TLS handshake per chat, and a burst never looks like a flood of unauthenticated connections to the peer's gate.
    /// OllamaSharp builds its own requests, which would otherwise default to HTTP/1.1.
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

    private (HttpClient, OllamaApiClient) Create(string nodeId, IPAddress address, int port)
    {
        var handler = MeshClientHandler.Create(identity, serverNodeId => serverNodeId == nodeId);
        handler.ConnectTimeout = TimeSpan.FromSeconds(3);
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60);
        handler.EnableMultipleHttp2Connections = true;
        var http = new HttpClient(new CallMetricsHandler("peer", recorder, time, new AbortOnCancelHandler(new Http2Handler(handler))))
        {
            BaseAddress = new UriBuilder(Uri.UriSchemeHttps, address.ToString(), port).Uri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        return (http, new OllamaApiClient(http));
    }
}
