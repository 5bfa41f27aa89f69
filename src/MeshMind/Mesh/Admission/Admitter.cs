using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshMind.Mesh.Peers;
using MeshMind.Node;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// The server side of joining (DESIGN §2): checks a client's proof that it holds the mesh secret and owns the
/// certificate it presented, answers with the server's own proof, and pins the client as admitted. The same checks open
/// every connection (<see cref="AnswerConnection"/>), so a pinned certificate is served only while its node proves a
/// secret this node accepts now (DESIGN §10).
/// </summary>
internal sealed partial class Admitter(
    MeshKeys keys, NodeInfo node, PeerDirectory peers, PeerStore store, TimeProvider time, ILogger<Admitter> logger)
{
    private const int MaxNonces = 10_000;
    private readonly Dictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);
    private long _refused;

    /// <summary>Join requests refused since start (any reason).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The outcome of a join request: the response to send, or an HTTP status and reason.</summary>
    public async Task<(JoinResponse? Response, int Status, string? Error)> JoinAsync(
        JoinRequest request, X509Certificate2? clientCertificate, IPAddress remote, CancellationToken cancellationToken)
    {
        if (clientCertificate is null)
        {
            return Refuse(StatusCodes.Status401Unauthorized, "a client certificate is required", remote);
        }

        var clientHash = NodeIdentity.ComputeNodeId(clientCertificate);
        if (!string.Equals(request.NodeId, clientHash, StringComparison.Ordinal))
        {
            return Refuse(StatusCodes.Status403Forbidden, "node_id does not match the client certificate", remote);
        }

        if (clientHash == node.NodeId)
        {
            return Refuse(StatusCodes.Status409Conflict, "that is this node's own identity", remote);
        }

        if (peers.IsRevoked(clientHash))
        {
            return Refuse(StatusCodes.Status403Forbidden, "this node has been revoked", remote);
        }

        var now = time.GetUtcNow();
        if (Math.Abs(now.ToUnixTimeSeconds() - request.Ts) > JoinProof.MaxClockSkew.TotalSeconds)
        {
            return Refuse(StatusCodes.Status401Unauthorized, "the timestamp is not within 60 s of this node's clock", remote);
        }

        MeshKeySet? matched = null;
        foreach (var key in keys.All)
        {
            if (JoinProof.Matches(JoinProof.Client(key.Join, request.NonceC, request.Ts, clientHash, node.NodeId), request.ProofC))
            {
                matched ??= key;
            }
        }

        if (matched is null)
        {
            return Refuse(StatusCodes.Status401Unauthorized, "the proof does not match this mesh's secret", remote);
        }

        if (!RememberNonce(request.NonceC, now))
        {
            return Refuse(StatusCodes.Status401Unauthorized, "the nonce was already used", remote);
        }

        var nonceServer = JoinProof.NewNonce();
        await store.AdmitAsync(clientHash, request.Name, remote.ToString(), cancellationToken);
        peers.Admit(clientHash, request.Name, remote);
        LogAdmitted(request.Name, clientHash[..12], remote);
        var proof = JoinProof.Server(matched.Join, request.NonceC, nonceServer, clientHash, node.NodeId);
        return (new JoinResponse(node.NodeId, node.InstanceId, node.Name, nonceServer, proof), StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// The server side of a connection's proof (<see cref="ConnectionProof"/>): whether the client holds a secret in force, and
    /// the answer to send it. Pinning is not needed here (a new node joins on the connection this opens); revocation is.
    /// </summary>
    public (byte[] Answer, bool Accepted) AnswerConnection(ConnectionHello hello, X509Certificate2? clientCertificate, IPAddress remote)
    {
        if (clientCertificate is null)
        {
            return RefuseConnection(ConnectionProofStatus.NoCertificate, "a client certificate is required", remote);
        }

        var clientHash = NodeIdentity.ComputeNodeId(clientCertificate);
        if (clientHash == node.NodeId)
        {
            return RefuseConnection(ConnectionProofStatus.OwnIdentity, "that is this node's own identity", remote);
        }

        if (peers.IsRevoked(clientHash))
        {
            return RefuseConnection(ConnectionProofStatus.Revoked, "this node has been revoked", remote);
        }

        var now = time.GetUtcNow();
        if (Math.Abs(now.ToUnixTimeSeconds() - hello.Timestamp) > JoinProof.MaxClockSkew.TotalSeconds)
        {
            return RefuseConnection(ConnectionProofStatus.ClockSkew, "the timestamp is not within 60 s of this node's clock", remote);
        }

        // This node's secrets in order (current first), each against every proof the client sent (one per secret it holds).
        MeshKeySet? matched = null;
        foreach (var key in keys.All)
        {
            var expected = JoinProof.ConnectionClient(key.Join, hello.Nonce, hello.Timestamp, clientHash, node.NodeId);
            var any = false;
            foreach (var proof in hello.Proofs)
            {
                any |= JoinProof.Matches(expected, proof);
            }

            if (any)
            {
                matched = key;
                break;
            }
        }

        if (matched is null)
        {
            return RefuseConnection(ConnectionProofStatus.NotThisMesh, "the proof does not match this mesh's secret", remote);
        }

        if (!RememberNonce(Convert.ToHexStringLower(hello.Nonce), now))
        {
            return RefuseConnection(ConnectionProofStatus.Replayed, "the nonce was already used", remote);
        }

        var nonceServer = RandomNumberGenerator.GetBytes(ConnectionProof.NonceLength);
        return (ConnectionProof.Accepted(nonceServer, JoinProof.ConnectionServer(matched.Join, hello.Nonce, nonceServer, clientHash, node.NodeId)), true);
    }

    /// <summary>Refuses a connection whose opening was not a proof at all.</summary>
    public byte[] RefuseMalformedConnection(IPAddress remote) =>
        RefuseConnection(ConnectionProofStatus.Malformed, "the connection did not open with a proof", remote).Answer;

    private (byte[] Answer, bool Accepted) RefuseConnection(ConnectionProofStatus status, string reason, IPAddress remote)
    {
        Refuse(StatusCodes.Status403Forbidden, reason, remote);
        return (ConnectionProof.Refusal(status), false);
    }

    private bool RememberNonce(string nonce, DateTimeOffset now)
    {
        lock (_nonces)
        {
            if (_nonces.Count >= MaxNonces)
            {
                foreach (var (old, seen) in _nonces)
                {
                    if (now - seen > 2 * JoinProof.MaxClockSkew)
                    {
                        _nonces.Remove(old);
                    }
                }

                if (_nonces.Count >= MaxNonces)
                {
                    return false;
                }
            }

            return _nonces.TryAdd(nonce, now);
        }
    }

    private (JoinResponse?, int, string?) Refuse(int status, string reason, IPAddress remote)
    {
        Interlocked.Increment(ref _refused);
        LogRefused(remote, reason);
        return (null, status, reason);
    }

    public static JoinRequest? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var request = JsonSerializer.Deserialize(body, MeshJsonContext.Default.JoinRequest);
            return request is { NodeId.Length: 64, NonceC.Length: > 0 and <= 64, ProofC.Length: 64 } && request.Name is { Length: <= 64 }
                && request.InstanceId is { Length: <= 64 }
                ? request
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Admitted node '{Name}' ({NodeId}) from {Remote}")]
    private partial void LogAdmitted(string name, string nodeId, IPAddress remote);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "Refused to admit a node from {Remote}: {Reason}")]
    private partial void LogRefused(IPAddress remote, string reason);
}
