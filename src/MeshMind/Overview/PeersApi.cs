using MeshMind.Mesh;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Overview;

/// <summary><c>GET /peers</c> (seed) and <c>GET /api/peers</c>: every known peer with its link and what it serves.</summary>
public static class PeersApi
{
    public static IEndpointRouteBuilder MapPeersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/peers", List);
        endpoints.MapGet("/api/peers", List);
        return endpoints;
    }

    private static JsonHttpResult<PeerResponse[]> List(PeerDirectory peers) =>
        TypedResults.Json(peers.Snapshot().Select(PeerResponse.From).ToArray(), OverviewJsonContext.Default.PeerResponseArray);
}
