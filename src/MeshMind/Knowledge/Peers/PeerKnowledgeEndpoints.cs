using MeshMind.Infrastructure;
using MeshMind.Knowledge.Embeddings;
using MeshMind.Knowledge.Index;
using MeshMind.Knowledge.Search;

namespace MeshMind.Knowledge.Peers;

/// <summary>
/// The mesh side of search, for admitted peers: <c>POST /mesh/knowledge/search</c> (<see cref="PeerSearchRequest"/>: words, and
/// optionally the query's embedding) or <c>GET /mesh/knowledge/search?q=…&amp;k=…</c> (words only), this node's best chunks.
/// </summary>
/// <remarks>Only what this node shares is in its index, and only the matching chunks leave it, never a whole file.</remarks>
internal static class PeerKnowledgeEndpoints
{
    /// <summary>The largest request body: the words and a vector of <see cref="Vectors.MaxDimensions"/> numbers as JSON.</summary>
    public const long MaxRequestBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapPeerKnowledge(this IEndpointRouteBuilder peers)
    {
        peers.MapGet("/mesh/knowledge/search", SearchByWordsAsync);
        peers.MapPost("/mesh/knowledge/search", SearchWithBodyAsync);
        return peers;
    }

    private static Task<IResult> SearchByWordsAsync(string? q, int? k, KnowledgeIndex index, CancellationToken cancellationToken) =>
        SearchAsync(q, k, null, null, index, cancellationToken);

    private static async Task<IResult> SearchWithBodyAsync(HttpRequest request, KnowledgeIndex index, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, PeerSearchJsonContext.Default.PeerSearchRequest, MaxRequestBytes);
        return body is null ? error! : await SearchAsync(body.Q, body.K, body.Model, body.Vector, index, cancellationToken);
    }

    private static async Task<IResult> SearchAsync(string? q, int? k, string? model, float[]? vector, KnowledgeIndex index,
        CancellationToken cancellationToken)
    {
        var (match, error) = SearchQuery.Parse(q);
        if (match is null)
        {
            return ApiResults.Error(400, error!);
        }

        var query = vector is null ? null : Vectors.Normalize(vector);
        if (vector is not null && (query is null || string.IsNullOrWhiteSpace(model) || model.Length > 200))
        {
            return ApiResults.Error(400, $"'vector' must be 1 to {Vectors.MaxDimensions} finite numbers, not all zero, with the 'model' that made it");
        }

        var limit = Math.Clamp(k ?? MeshSearch.DefaultHits, 1, MeshSearch.MaxCandidates);
        var hits = await index.SearchAsync(match, limit, cancellationToken);
        var statistics = await index.StatisticsAsync(SearchQuery.Searched(q!), cancellationToken);
        IReadOnlyList<LocalHit> similar = query is null ? [] : await index.NearestAsync(query, EmbeddingModels.Key(model!), limit, cancellationToken);
        return TypedResults.Json(new PeerSearchResponse(hits, statistics, similar), PeerSearchJsonContext.Default.PeerSearchResponse);
    }
}
