using MeshMind.Infrastructure;
using MeshMind.Knowledge.Search;
using MeshMind.Node;

namespace MeshMind.Knowledge.Api;

/// <summary><c>GET /api/search?q=…&amp;k=…</c>: the shared files of every node in the mesh, searched at once.</summary>
internal static class SearchApi
{
    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/search", SearchAsync).Produces<SearchResponse>().ProducesErrors(400);
        return endpoints;
    }

    private static async Task<IResult> SearchAsync(string? q, int? k, MeshSearch search, NodeInfo node, CancellationToken cancellationToken)
    {
        var (match, error) = SearchQuery.Parse(q);
        if (match is null)
        {
            return ApiResults.Error(400, error!);
        }

        if (k is < 1 or > MeshSearch.MaxHits)
        {
            return ApiResults.Error(400, $"'k' must be between 1 and {MeshSearch.MaxHits}");
        }

        var result = await search.SearchAsync(q!, match, k ?? MeshSearch.DefaultHits, cancellationToken);
        return TypedResults.Json(new SearchResponse(
            [.. result.Hits.Select(h => new SearchHit(h.NodeId, h.Node, h.File, h.Snippet, h.Score, DownloadUrl(node, h.NodeId, h.File)))],
            result.Missing), SearchJsonContext.Default.SearchResponse);
    }

    /// <summary>The file's address on this node's API: its own, or the proxy to the node it belongs to.</summary>
    public static string DownloadUrl(NodeInfo node, string nodeId, string file) =>
        nodeId == node.NodeId ? "/api/files/" + Uri.EscapeDataString(file) : $"/api/peers/{nodeId}/files/{Uri.EscapeDataString(file)}";
}
