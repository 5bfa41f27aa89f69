using MeshMind.Infrastructure;
using MeshMind.Knowledge.Index;
using MeshMind.Knowledge.Search;

namespace MeshMind.Knowledge.Peers;

/// <summary>The mesh side of search, for admitted peers: <c>GET /mesh/knowledge/search?q=…&amp;k=…</c>, this node's best chunks.</summary>
/// <remarks>Only what this node shares is in its index, and only the matching chunks leave it, never a whole file.</remarks>
internal static class PeerKnowledgeEndpoints
{
    public static IEndpointRouteBuilder MapPeerKnowledge(this IEndpointRouteBuilder peers)
    {
        peers.MapGet("/mesh/knowledge/search", SearchAsync);
        return peers;
    }

    private static async Task<IResult> SearchAsync(string? q, int? k, KnowledgeIndex index, CancellationToken cancellationToken)
    {
        var (match, error) = SearchQuery.Parse(q);
        if (match is null)
        {
            return ApiResults.Error(400, error!);
        }

        var hits = await index.SearchAsync(match, Math.Clamp(k ?? MeshSearch.DefaultHits, 1, MeshSearch.MaxCandidates), cancellationToken);
        var statistics = await index.StatisticsAsync(SearchQuery.Searched(q!), cancellationToken);
        return TypedResults.Json(new PeerSearchResponse(hits, statistics), PeerSearchJsonContext.Default.PeerSearchResponse);
    }
}
