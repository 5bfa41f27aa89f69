using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;

namespace MeshMind.Diagnostics.ReachBack;

/// <summary>
/// The peer's side of the reach-back test: an admitted peer asks (<c>POST /mesh/reach-back</c>), and this node dials that
/// peer's mesh port at the address its request came from and at the addresses it is known by, each with a fresh connection:
/// TCP, TLS with the peer's certificate checked against its node id, the secret proof, <c>GET /mesh/hello</c>.
/// </summary>
/// <remarks>
/// The request names nothing: the addresses and the port are the ones this node already holds for the peer, so no member
/// can make it dial a machine of its choosing (issue 14). At most <see cref="MaxPerMinute"/> tests a minute per peer and
/// <see cref="MaxAddresses"/> dials each.
/// </remarks>
internal sealed partial class ReachBackResponder(
    NodeIdentity identity, NodeInfo node, ConnectionProver prover, PeerDirectory peers, TimeProvider time, ILogger<ReachBackResponder> logger)
{
    public const int MaxPerMinute = 6;
    public const int MaxAddresses = 4;
    public static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(4);
    private readonly ConcurrentDictionary<string, RateWindow> _limits = new(StringComparer.Ordinal);

    /// <summary>Dials <paramref name="requester"/> back; null when it asked too often.</summary>
    public async Task<ReachBackResponse?> RunAsync(string requester, IPAddress remote, CancellationToken cancellationToken)
    {
        if (_limits.Count > PeerDirectory.MaxPeers)
        {
            _limits.Clear();
        }

        if (!_limits.GetOrAdd(requester, _ => new RateWindow(MaxPerMinute, TimeSpan.FromMinutes(1), time)).TryTake())
        {
            LogTooOften(requester[..12]);
            return null;
        }

        var peer = peers.Find(requester);
        var from = Normalize(remote);
        if (peer is not { MeshPort: > 0 })
        {
            return new ReachBackResponse(node.NodeId, node.Name,
                [new ReachBackResult(from.ToString(), 0, false, "this peer has not learned your mesh port yet (no hello on the link)", null)]);
        }

        var addresses = peer.Addresses.Select(Normalize).Prepend(from).Distinct().Take(MaxAddresses).ToList();
        var results = await Task.WhenAll(addresses.Select(address => DialAsync(requester, address, peer.MeshPort, cancellationToken)));
        var reached = results.Count(r => r.Reached);
        LogTested(requester[..12], reached, results.Length);
        return new ReachBackResponse(node.NodeId, node.Name, results);
    }

    private async Task<ReachBackResult> DialAsync(string nodeId, IPAddress address, int port, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        // A connection of its own, never a pooled one: the test is whether a new connection gets through.
        using var handler = MeshClientHandler.Create(identity, prover, serverNodeId => serverNodeId == nodeId);
        handler.ConnectTimeout = DialTimeout;
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var timeout = new CancellationTokenSource(DialTimeout * 2, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await http.GetAsync(new UriBuilder(Uri.UriSchemeHttps, address.ToString(), port, "/mesh/hello").Uri, linked.Token);
            return response.IsSuccessStatusCode
                ? new ReachBackResult(address.ToString(), port, true, null, Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 1))
                : new ReachBackResult(address.ToString(), port, false, $"it answered {(int)response.StatusCode}", null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new ReachBackResult(address.ToString(), port, false, Describe(ex), null);
        }
    }

    /// <summary>Why a dial failed, in the words a person acts on.</summary>
    internal static string Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused (nothing listens there, or a firewall rejects it)";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                case TimeoutException:
                case OperationCanceledException:
                    return "timed out (a firewall probably drops it, or the address cannot be reached from here)";
                case SocketException { SocketErrorCode: SocketError.HostUnreachable or SocketError.NetworkUnreachable }:
                    return "no route to that address";
                case MeshJoinException join:
                    return "the connection's secret proof failed: " + join.Message;
                case AuthenticationException:
                    return "something other than that node answers there (its certificate is not the node's)";
                default:
                    break;
            }
        }

        return exception.Message;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Reach-back test for {NodeId}: {Reached} of {Dials} dials got through")]
    private partial void LogTested(string nodeId, int reached, int dials);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Reach-back test for {NodeId} refused: asked too often")]
    private partial void LogTooOften(string nodeId);
}
