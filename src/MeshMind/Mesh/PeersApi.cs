using MeshMind.Mesh.Links;
using MeshMind.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Mesh;

/// <summary><c>GET /peers</c> (seed), <c>GET /api/peers</c> and <c>POST /api/peers/{node_id}/revoke</c>.</summary>
public static class PeersApi
{
    public static IEndpointRouteBuilder MapPeersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/peers", List);
        endpoints.MapGet("/api/peers", List);
        endpoints.MapPost("/api/peers/{nodeId}/revoke", RevokeAsync);
        return endpoints;
    }

    private static JsonHttpResult<PeerResponse[]> List(PeerDirectory peers) =>
        TypedResults.Json(peers.Snapshot().Select(PeerResponse.From).ToArray(), ApiJsonContext.Default.PeerResponseArray);

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
}
