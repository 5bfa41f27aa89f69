using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MeshMind.Mesh.Admission;
using MeshMind.Node;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// An HTTP handler for a peer's mesh port: TCP with no Nagle delay, TLS 1.3 with this node's certificate, the
/// server's certificate judged by its hash — the node id — since every node's certificate is self-signed, and on every
/// new connection the proof of a secret in force both ways (<see cref="ConnectionProver"/>) before the first request.
/// </summary>
internal static class MeshClientHandler
{
    /// <param name="identity">This node's certificate, presented to the peer.</param>
    /// <param name="prover">Proves this node's secrets on each new connection and checks the peer's proof.</param>
    /// <param name="acceptServer">Given the server certificate's node id, whether to go on.</param>
    /// <param name="connected">Told the remote address of each new TCP connection.</param>
    /// <param name="proven">Told, for each new connection, the secret's keys the peer proved.</param>
    public static SocketsHttpHandler Create(NodeIdentity identity, ConnectionProver prover, Func<string, bool> acceptServer,
        Action<IPAddress?>? connected = null, Action<MeshKeySet>? proven = null) =>
        Create(identity, async (stream, token) =>
        {
            var keys = await prover.ProveAsync(stream, token);
            proven?.Invoke(keys);
        }, acceptServer, connected);

    /// <summary>A handler whose connections open with <paramref name="open"/> (after TLS, before HTTP) instead of the secret's proof: an invite's.</summary>
    /// <param name="identity">This node's certificate, presented to the peer.</param>
    /// <param name="open">Runs on each new connection's TLS stream; throws to refuse the connection.</param>
    /// <param name="acceptServer">Given the server certificate's node id, whether to go on.</param>
    /// <param name="connected">Told the remote address of each new TCP connection.</param>
    public static SocketsHttpHandler Create(NodeIdentity identity, Func<SslStream, CancellationToken, Task> open, Func<string, bool> acceptServer,
        Action<IPAddress?>? connected = null) => new()
    {
        ConnectCallback = async (context, token) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, token);
                connected?.Invoke((socket.RemoteEndPoint as IPEndPoint)?.Address);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        PlaintextStreamFilter = async (context, token) =>
        {
            await open((SslStream)context.PlaintextStream, token);
            return context.PlaintextStream;
        },
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificates = [identity.Certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => identity.Certificate,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    return false;
                }

                using var x509 = new X509Certificate2(certificate);
                return acceptServer(NodeIdentity.ComputeNodeId(x509));
            },
        },
    };
}
