using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MeshMind.Mesh.Links;
using MeshMind.Node;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MeshMind.Mesh;

/// <summary>
/// The mesh port (default 7878): TLS 1.3 with certificates on both sides. Requests on it never reach the
/// people-facing pipeline, and everything but <c>/mesh/hello</c> and <c>/mesh/join</c> needs an admitted client certificate.
/// </summary>
public static class MeshPort
{
    public static void Listen(KestrelServerOptions kestrel, MeshOptions options, NodeIdentity identity, MeshConnectionGate gate)
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
        });
    }

    /// <summary>Routes mesh-port requests to the peer handlers; other requests continue to the people-facing pipeline.</summary>
    public static WebApplication UseMeshPort(this WebApplication app)
    {
        app.MapWhen(context => context.Features.Get<MeshConnectionFeature>() is not null, mesh =>
        {
            mesh.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
            mesh.Run(HandleAsync);
        });
        return app;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var connection = context.Features.Get<MeshConnectionFeature>()!;
        var certificate = context.Connection.ClientCertificate;
        var path = context.Request.Path.Value;
        var services = context.RequestServices;
        if (path == "/mesh/hello" && HttpMethods.IsGet(context.Request.Method))
        {
            var node = services.GetRequiredService<Node.NodeInfo>();
            await context.Response.WriteAsJsonAsync(new JoinResponse(node.NodeId, node.InstanceId, node.Name, "", ""),
                MeshJsonContext.Default.JoinResponse, contentType: null, context.RequestAborted);
            return;
        }

        if (path == "/mesh/join" && HttpMethods.IsPost(context.Request.Method))
        {
            await JoinAsync(context, connection, certificate);
            return;
        }

        var peers = services.GetRequiredService<PeerDirectory>();
        var nodeId = certificate is null ? null : NodeIdentity.ComputeNodeId(certificate);
        if (nodeId is null || !peers.IsAdmitted(nodeId))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        connection.MarkAuthenticated();
        if (path == "/mesh/link" && context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await services.GetRequiredService<LinkManager>().AcceptAsync(nodeId, socket, connection.Remote, context.RequestAborted);
            return;
        }

        if (await Llm.OllamaApi.TryServePeerAsync(context) || await Files.PeerFileProxy.TryServePeerAsync(context))
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static async Task JoinAsync(HttpContext context, MeshConnectionFeature connection, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        var body = new byte[4096];
        var length = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(body.AsMemory(length), context.RequestAborted)) > 0)
        {
            length += read;
            if (length == body.Length)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
        }

        if (Admission.Parse(body.AsSpan(0, length)) is not { } request)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var (response, status, _) = await context.RequestServices.GetRequiredService<Admission>()
            .JoinAsync(request, certificate, connection.Remote, context.RequestAborted);
        context.Response.StatusCode = status;
        if (response is not null)
        {
            connection.MarkAuthenticated();
            await context.Response.WriteAsJsonAsync(response, MeshJsonContext.Default.JoinResponse, contentType: null, context.RequestAborted);
        }
    }
}
