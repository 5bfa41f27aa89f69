using System.Net.Security;
using System.Security.Cryptography;
using MeshMind.Mesh.Admission;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The client side of a connection's proof (<see cref="ConnectionProof"/>): run on every new connection to a peer's mesh
/// port, right after TLS and before the first HTTP request (<see cref="MeshClientHandler"/>). It proves this node's
/// secrets, and a peer that cannot prove one of them back is sent no request: a node dropped from the mesh by a new
/// secret is cut off in both directions.
/// </summary>
internal sealed class ConnectionProver(NodeInfo node, MeshKeys keys, IOptions<MeshOptions> options, TimeProvider time)
{
    private readonly TimeSpan _timeout = options.Value.HandshakeTimeout;

    /// <summary>Proves this node's secrets on a fresh TLS connection and checks the peer's answer.</summary>
    /// <returns>The secret's keys both sides hold (the one the peer proved with).</returns>
    /// <exception cref="MeshJoinException">The peer refused this node, or could not prove a secret this node holds.</exception>
    public async Task<MeshKeySet> ProveAsync(SslStream stream, CancellationToken cancellationToken)
    {
        if (stream.RemoteCertificate is not { } remote)
        {
            throw new MeshJoinException("the peer presented no certificate");
        }

        var serverHash = Convert.ToHexStringLower(SHA256.HashData(remote.GetRawCertData()));
        var nonce = RandomNumberGenerator.GetBytes(ConnectionProof.NonceLength);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var proofs = keys.All.Take(ConnectionProof.MaxProofs)
            .Select(k => JoinProof.ConnectionClient(k.Join, nonce, timestamp, node.NodeId, serverHash)).ToList();

        using var deadline = new CancellationTokenSource(_timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await stream.WriteAsync(ConnectionProof.Hello(nonce, timestamp, proofs), linked.Token);
            await stream.FlushAsync(linked.Token);
            var answer = new byte[ConnectionProof.AcceptedAnswerLength];
            await stream.ReadExactlyAsync(answer.AsMemory(0, ConnectionProof.AnswerHeaderLength), linked.Token);
            var status = ConnectionProof.ParseAnswerHeader(answer.AsSpan(0, ConnectionProof.AnswerHeaderLength));
            if (status != ConnectionProofStatus.Accepted)
            {
                throw new MeshJoinException($"the peer refused this node's connection ({Describe(status)})");
            }

            await stream.ReadExactlyAsync(answer.AsMemory(ConnectionProof.AnswerHeaderLength), linked.Token);
            var nonceServer = answer.AsSpan(ConnectionProof.AnswerHeaderLength, ConnectionProof.NonceLength);
            var proof = answer.AsSpan(ConnectionProof.AnswerHeaderLength + ConnectionProof.NonceLength);
            foreach (var key in keys.All)
            {
                if (JoinProof.Matches(JoinProof.ConnectionServer(key.Join, nonce, nonceServer, node.NodeId, serverHash), proof))
                {
                    return key;
                }
            }

            throw new MeshJoinException("the peer could not prove it holds this mesh's secret");
        }
        catch (InvalidDataException ex)
        {
            throw new MeshJoinException(ex.Message);
        }
        catch (EndOfStreamException)
        {
            throw new MeshJoinException("the peer closed the connection before answering this node's proof");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MeshJoinException($"the peer did not answer this node's proof within {_timeout.TotalSeconds:F0} s");
        }
    }

    private static string Describe(ConnectionProofStatus status) => status switch
    {
        ConnectionProofStatus.NotThisMesh => "no secret in common",
        ConnectionProofStatus.Revoked => "this node is revoked there",
        ConnectionProofStatus.ClockSkew => "the clocks differ by more than 60 s",
        ConnectionProofStatus.Replayed => "nonce already used",
        ConnectionProofStatus.OwnIdentity => "it has this node's identity",
        ConnectionProofStatus.NoCertificate => "no certificate",
        _ => $"status {(byte)status}",
    };
}
