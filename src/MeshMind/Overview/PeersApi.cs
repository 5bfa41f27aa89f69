using MeshMind.Discovery;
using MeshMind.Llm.Peers;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
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

    private static JsonHttpResult<PeerResponse[]> List(PeerDirectory peers, PeerLlms llms, DiscoveryAdvert adverts, NodeInfo node)
    {
        var snapshot = peers.Snapshot();
        // Names used by more than one node id, this node's own among them.
        var shared = snapshot.Select(p => p.Name).Append(node.Name).Where(n => n.Length > 0)
            .GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return TypedResults.Json(snapshot.Select(p => PeerResponse.From(p, llms, adverts, shared.Contains(p.Name), peers.ReportedLinks(p.NodeId))).ToArray(),
            OverviewJsonContext.Default.PeerResponseArray);
    }
}
