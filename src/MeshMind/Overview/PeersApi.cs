using MeshMind.Discovery;
using MeshMind.Llm.Peers;
using MeshMind.Mesh.Peers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Overview;

/// <summary><c>GET /peers</c> (seed) and <c>GET /api/peers</c>: every known peer with its link and what it serves.</summary>
internal static class PeersApi
{
    public static IEndpointRouteBuilder MapPeersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/peers", List).Produces<PeerResponse[]>();
        endpoints.MapGet("/api/peers", List).Produces<PeerResponse[]>();
        return endpoints;
    }

    private static JsonHttpResult<PeerResponse[]> List(PeerDirectory peers, PeerLlms llms, DiscoveryAdvert adverts) =>
        TypedResults.Json(peers.Snapshot().Select(p => PeerResponse.From(p, llms, adverts)).ToArray(), OverviewJsonContext.Default.PeerResponseArray);
}
