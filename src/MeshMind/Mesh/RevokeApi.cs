using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Invites;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;

namespace MeshMind.Mesh;

/// <summary>
/// <c>POST /api/peers/{node_id}/revoke</c>: the node is refused from now on and its link is closed.
/// <c>DELETE /api/peers/{node_id}/revocation</c> undoes it: the node may be admitted (and is dialled) again.
/// <see cref="MapMeshApi"/> also maps the invites' and the secret's APIs (<see cref="InviteApi"/>, <see cref="SecretApi"/>).
/// </summary>
internal static class RevokeApi
{
    public static IEndpointRouteBuilder MapMeshApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/peers/{nodeId}/revoke", RevokeAsync).Produces(StatusCodes.Status204NoContent).ProducesErrors(404);
        endpoints.MapDelete("/api/peers/{nodeId}/revocation", RestoreAsync).Produces(StatusCodes.Status204NoContent).ProducesErrors(404);
        endpoints.MapInviteApi();
        endpoints.MapSecretApi();
        return endpoints.MapStaticPeersApi();
    }

    private static async Task<IResult> RevokeAsync(string nodeId, PeerDirectory peers, PeerStore store, LinkManager links, CancellationToken cancellationToken)
    {
        var known = peers.Find(nodeId);
        if (known is null && !peers.IsRevoked(nodeId))
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, $"no peer with node id '{nodeId}'");
        }

        await store.RevokeAsync(nodeId, known?.Name, cancellationToken);
        peers.Revoke(nodeId);
        links.Revoke(nodeId);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RestoreAsync(string nodeId, PeerDirectory peers, PeerStore store, CancellationToken cancellationToken)
    {
        if (!peers.IsRevoked(nodeId))
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, $"no revoked peer with node id '{nodeId}'");
        }

        await store.RestoreAsync(nodeId, cancellationToken);
        peers.Restore(nodeId);
        return TypedResults.NoContent();
    }
}
