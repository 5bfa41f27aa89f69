using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Node;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The client side of joining: connects to a peer's mesh port with this node's certificate, proves it holds the
/// secret, checks the peer's proof, pins it, and opens the link WebSocket.
/// </summary>
internal sealed class MeshDialer(
    NodeIdentity identity, ConnectionProver prover, NodeInfo node, MeshKeys keys, PeerDirectory peers, PeerStore store, TimeProvider time) : ILinkDialer
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The response header of a refused link (503): the JSON of a peer exchange listing some of the refuser's peers.</summary>
    public const string RefusedPeersHeader = "MeshMind-Link-Peers";

    /// <summary>A joined peer and its open link socket. Dispose the handler when the link ends.</summary>
    public sealed record Dialed(string NodeId, string Name, WebSocket Socket, SocketsHttpHandler Handler, IPAddress? Address);

    async Task<DialedLink> ILinkDialer.DialLinkAsync(string host, int port, string? expectedNodeId, CancellationToken cancellationToken)
    {
        var dialed = await DialAsync(host, port, expectedNodeId, cancellationToken);
        return new DialedLink(dialed.NodeId, dialed.Name, dialed.Socket, dialed.Address, dialed.Handler);
    }

    /// <exception cref="MeshJoinException">The peer is not one of ours, or refused us.</exception>
    /// <exception cref="LinkRefusedException">The peer admitted us but has as many links as it accepts.</exception>
    public async Task<Dialed> DialAsync(string host, int port, string? expectedNodeId, CancellationToken cancellationToken)
    {
        string? serverHash = null;
        IPAddress? remoteAddress = null;
        MeshKeySet? shared = null;
        // Self-signed by design: the certificate's hash is the node's identity, checked against what we expect here and
        // bound into both admission proofs.
        var handler = MeshClientHandler.Create(identity, prover, serverNodeId =>
        {
            serverHash = serverNodeId;
            return expectedNodeId is null || serverNodeId == expectedNodeId;
        }, address => remoteAddress = address, proven => shared = proven);
        handler.ConnectTimeout = ConnectTimeout;
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);

        try
        {
            using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(10) };
            var baseUri = new UriBuilder(Uri.UriSchemeHttps, host, port).Uri;
            var hello = await http.GetFromJsonAsync(new Uri(baseUri, "/mesh/hello"), MeshJsonContext.Default.JoinResponse, cancellationToken);
            if (serverHash is null || hello?.NodeId != serverHash)
            {
                throw new MeshJoinException($"{host}:{port} did not present the identity it claims");
            }

            if (serverHash == node.NodeId)
            {
                throw new MeshJoinException($"{host}:{port} is this node itself");
            }

            if (peers.IsRevoked(serverHash))
            {
                throw new MeshJoinException($"{host}:{port} is revoked node {serverHash[..12]}");
            }

            // Join with the secret the connection's proof found in common: during a rollout, this node may still sign with an
            // old secret that the peer has already dropped, while it lists the new one.
            var joinKey = (shared ?? keys.Current).Join;
            var nonce = JoinProof.NewNonce();
            var ts = time.GetUtcNow().ToUnixTimeSeconds();
            var request = new JoinRequest(node.NodeId, node.InstanceId, node.Name, nonce, ts,
                JoinProof.Client(joinKey, nonce, ts, node.NodeId, serverHash));
            using var joined = await http.PostAsJsonAsync(new Uri(baseUri, "/mesh/join"), request, MeshJsonContext.Default.JoinRequest, cancellationToken);
            if (!joined.IsSuccessStatusCode)
            {
                throw new MeshJoinException($"{host}:{port} refused to admit this node ({(int)joined.StatusCode})");
            }

            var response = await joined.Content.ReadFromJsonAsync(MeshJsonContext.Default.JoinResponse, cancellationToken);
            if (response is null || response.NodeId != serverHash
                || !keys.All.Any(k => JoinProof.Matches(JoinProof.Server(k.Join, nonce, response.NonceS, node.NodeId, serverHash), response.ProofS)))
            {
                throw new MeshJoinException($"{host}:{port} could not prove it holds this mesh's secret");
            }

            await store.AdmitAsync(serverHash, response.Name, remoteAddress?.ToString() ?? host, cancellationToken);
            peers.Admit(serverHash, response.Name, remoteAddress, port);

            var socket = new ClientWebSocket();
            socket.Options.HttpVersion = HttpVersion.Version11;
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            socket.Options.CollectHttpResponseDetails = true;
            try
            {
                await socket.ConnectAsync(new UriBuilder("wss", host, port, "/mesh/link").Uri, new HttpMessageInvoker(handler, disposeHandler: false), cancellationToken);
            }
            catch (WebSocketException) when (socket.HttpStatusCode == HttpStatusCode.ServiceUnavailable)
            {
                socket.Dispose();
                throw new LinkRefusedException($"{host}:{port} has as many links as it accepts", RefusedPeers(socket.HttpResponseHeaders));
            }

            socket.HttpResponseHeaders = null;
            return new Dialed(serverHash, response.Name, socket, handler, remoteAddress);
        }
        catch (LinkRefusedException)
        {
            handler.Dispose();
            throw;
        }
        catch (Exception ex) when (ex.InnerException is MeshJoinException refused)
        {
            // The connection's proof failed: say why, not that "the PlaintextStreamFilter failed".
            handler.Dispose();
            throw new MeshJoinException($"{host}:{port}: {refused.Message}");
        }
        catch (HttpRequestException ex) when (ex.InnerException is { } inner && ex.Message.Contains("PlaintextStreamFilter", StringComparison.Ordinal))
        {
            // The connection's proof broke off (a reset, a timeout): say how, not that "the PlaintextStreamFilter failed".
            handler.Dispose();
            throw new HttpRequestException($"{host}:{port}: the connection's proof failed: {inner.Message}", ex);
        }
        catch
        {
            handler.Dispose();
            throw;
        }
    }

    private static IReadOnlyList<ExchangedPeer> RefusedPeers(IReadOnlyDictionary<string, IEnumerable<string>>? headers)
    {
        if (headers is null || !headers.TryGetValue(RefusedPeersHeader, out var values) || values.FirstOrDefault() is not { } json)
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(json, LinkJsonContext.Default.PeerExchangeMessage)?.Peers ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
