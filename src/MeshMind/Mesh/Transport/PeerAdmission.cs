using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Peers;
using MeshMind.Node;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The admission check of the mesh port, in front of every peer endpoint: a request passes only on a connection that
/// proved a secret in force when it opened (<see cref="ConnectionProofMiddleware"/>) and still in force now (the accepted secrets
/// can change while a connection is open: a rotation's grace period ends), and with the client certificate of an admitted,
/// non-revoked node, which it then carries as <see cref="PeerConnection"/>. Endpoints that a node must reach before it is admitted
/// (<c>/mesh/hello</c>, <c>/mesh/join</c>) say so with <see cref="AllowUnadmittedPeer"/>; a connection opened with an invite reaches
/// only those marked <see cref="AllowInvitedPeer"/>. A request that matches no endpoint is refused the same way, so an
/// unadmitted caller learns nothing of what exists.
/// </summary>
internal sealed class PeerAdmission(RequestDelegate next, PeerDirectory peers, MeshKeys keys, NodeInfo node)
{
    public Task InvokeAsync(HttpContext context)
    {
        var connection = context.Features.Get<MeshConnectionFeature>()!;
        if (connection.InviteTokenHash is not null)
        {
            return context.GetEndpoint()?.Metadata.GetMetadata<AllowInvitedPeer>() is not null ? next(context) : Forbid(context);
        }

        if (!connection.SecretProven || !InForce(connection))
        {
            // Not proven: not reached while the proof runs before HTTP; kept so that no reordering of the port's middleware can skip it.
            return Forbid(context);
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<AllowUnadmittedPeer>() is not null)
        {
            return next(context);
        }

        var certificate = context.Connection.ClientCertificate;
        var nodeId = certificate is null ? null : NodeIdentity.ComputeNodeId(certificate);
        if (nodeId is null || !peers.IsAdmitted(nodeId))
        {
            return Forbid(context);
        }

        connection.MarkAuthenticated();
        context.Features.Set(new PeerConnection(nodeId));
        return next(context);
    }

    private static Task Forbid(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    /// <summary>Whether the connection's opening proof proves a secret this node accepts now (checked again only after a change).</summary>
    private bool InForce(MeshConnectionFeature connection) =>
        connection.Proof is { } proof && connection.InForce(keys.Generation, () =>
        {
            foreach (var key in keys.All)
            {
                var expected = JoinProof.ConnectionClient(key.Join, proof.Hello.Nonce, proof.Hello.Timestamp, proof.ClientNodeId, node.NodeId);
                if (proof.Hello.Proofs.Any(p => JoinProof.Matches(expected, p)))
                {
                    return true;
                }
            }

            return false;
        });
}
