using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MeshMind.Node;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// An HTTP handler for a peer's mesh port: TCP with no Nagle delay, TLS 1.3 with this node's certificate, and the
/// server's certificate judged by its hash — the node id — since every node's certificate is self-signed.
/// </summary>
internal static class MeshClientHandler
{
    /// <param name="identity">This node's certificate, presented to the peer.</param>
    /// <param name="acceptServer">Given the server certificate's node id, whether to go on.</param>
    /// <param name="connected">Told the remote address of each new TCP connection.</param>
    public static SocketsHttpHandler Create(NodeIdentity identity, Func<string, bool> acceptServer, Action<IPAddress?>? connected = null) => new()
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
