using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Invites;
using MeshMind.Node;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The mesh port (default 7878): TLS 1.3 with certificates on both sides, then the connection's proof of a secret in force
/// (<see cref="ConnectionProofMiddleware"/>), then HTTP. Requests on it never reach the people-facing pipeline, and
/// everything but <c>/mesh/hello</c> and <c>/mesh/join</c> needs an admitted client certificate (and <c>/mesh/invite</c> a connection
/// opened with an invite).
/// </summary>
internal static class MeshPort
{
    public static void Listen(KestrelServerOptions kestrel, MeshOptions options, NodeIdentity identity, MeshConnectionGate gate, Func<Admitter> admitter,
        Func<InviteService> invites)
    {
        var address = IPAddress.TryParse(options.BindAddress, out var parsed) ? parsed : IPAddress.Any;
        kestrel.Listen(address, options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.Use(next => connection => gate.RunAsync(connection, next));
            // Built at the first connection, not at start: an idle node never pays for the TLS context.
            var tls = new Lazy<SslServerAuthenticationOptions>(() => new SslServerAuthenticationOptions
            {
                ServerCertificateContext = SslStreamCertificateContext.Create(identity.Certificate, additionalCertificates: null, offline: true),
                ClientCertificateRequired = true,
                // Any certificate passes TLS: who it belongs to is decided by admission (the join proof) and pinning.
                RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                EnabledSslProtocols = SslProtocols.Tls13,
                ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            });
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(tls.Value),
                HandshakeTimeout = options.HandshakeTimeout,
            });
            // After TLS (so inside it, with the client's certificate known), before HTTP.
            var admission = new Lazy<Admitter>(admitter);
            var invitations = new Lazy<InviteService>(invites);
            listen.Use(next => connection => ConnectionProofMiddleware.RunAsync(connection, next, admission.Value, invitations));
        });
    }

    /// <summary>
    /// Gives mesh-port requests their own pipeline, never the people-facing one: WebSockets, endpoint routing, the one
    /// admission check in front of every peer endpoint (<see cref="PeerAdmission"/>), then the mesh's own endpoints
    /// (hello, join, link) and those <paramref name="peerEndpoints"/> maps (each feature's <c>MapPeerX</c>).
    /// </summary>
    public static WebApplication UseMeshPort(this WebApplication app, Action<IEndpointRouteBuilder> peerEndpoints)
    {
        app.MapWhen(context => context.Features.Get<MeshConnectionFeature>() is not null, mesh =>
        {
            // Built at the first mesh-port request, not at start: a node with no peer yet never pays for the peer
            // endpoints' routing (start-up time, JIT and memory).
            var pipeline = new Lazy<RequestDelegate>(() =>
            {
                var branch = mesh.New();
                branch.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
                branch.UseRouting();
                branch.UseMiddleware<PeerAdmission>();
                branch.UseEndpoints(endpoints =>
                {
                    // Peer endpoints are no part of the people-facing API description.
                    var peers = endpoints.MapGroup("").ExcludeFromDescription();
                    peers.MapMeshEndpoints();
                    peerEndpoints(peers);
                });
                return branch.Build();
            });
            mesh.Run(context => pipeline.Value(context));
        });
        return app;
    }
}
