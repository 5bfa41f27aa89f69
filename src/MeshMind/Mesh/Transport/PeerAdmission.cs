using MeshMind.Mesh.Peers;
using MeshMind.Node;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The admission check of the mesh port, in front of every peer endpoint: a request passes only on a connection that
/// proved a secret in force when it opened (<see cref="ConnectionProofMiddleware"/>) and with the client certificate of an
/// admitted, non-revoked node, which it then carries as <see cref="PeerConnection"/>. Endpoints that
/// a node must reach before it is admitted (<c>/mesh/hello</c>, <c>/mesh/join</c>) say so with <see cref="AllowUnadmittedPeer"/>.
/// A request that matches no endpoint is refused the same way, so an unadmitted caller learns nothing of what exists.
/// </summary>
internal sealed class PeerAdmission(RequestDelegate next, PeerDirectory peers)
{
    public Task InvokeAsync(HttpContext context)
    {
        var connection = context.Features.Get<MeshConnectionFeature>()!;
        if (!connection.SecretProven)
        {
            // Not reached while the proof runs before HTTP; kept so that no reordering of the port's middleware can skip it.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<AllowUnadmittedPeer>() is not null)
        {
            return next(context);
        }

        var certificate = context.Connection.ClientCertificate;
        var nodeId = certificate is null ? null : NodeIdentity.ComputeNodeId(certificate);
        if (nodeId is null || !peers.IsAdmitted(nodeId))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        connection.MarkAuthenticated();
        context.Features.Set(new PeerConnection(nodeId));
        return next(context);
    }
}
