using MeshMind.Knowledge.Embeddings;
using MeshMind.Knowledge.Index;
using MeshMind.Llm;
using MeshMind.Knowledge.Peers;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Knowledge.Search;

/// <summary>
/// Searches this node's index and every linked peer's (<c>POST /mesh/knowledge/search</c>) at once, waits at most
/// <see cref="KnowledgeOptions.SearchBudget"/> for the peers, and merges what came.
/// </summary>
/// <remarks>
/// Each node sends its best <see cref="MaxCandidates"/>-bounded candidates (twice the hits asked for) with its statistics for the
/// query's terms; the candidates are ranked together by <see cref="GlobalBm25"/> over the summed statistics, as one index of
/// every node's files would rank them (each node's own bm25() uses its own term counts, which are not comparable across nodes),
/// When the mesh has an embedding model (<see cref="KnowledgeEmbeddings.Model"/>), the query is embedded once, here, within half
/// the budget, and its vector goes with the request: each node also sends its chunks nearest to it (cosine similarity, which is
/// comparable across nodes embedding with the same model; those below <see cref="KnowledgeOptions.MinSimilarity"/> are left out),
/// and the semantic ranking joins the lexical one in
/// <see cref="RankFusion"/>. Without a model, or when the query cannot be embedded in time, the search is lexical only; so is
/// a peer's part when it has no vectors of the model yet. A peer that is away, fails or is late is named in
/// <see cref="MeshSearchResult.Missing"/>; it never fails the search.
/// </remarks>
internal sealed partial class MeshSearch(
    KnowledgeIndex index,
    PeerDirectory directory,
    PeerHttpClients clients,
    NodeInfo node,
    IOptions<KnowledgeOptions> options,
    KnowledgeMetrics metrics,
    TimeProvider time,
    KnowledgeEmbeddings embeddings,
    ILogger<MeshSearch> logger)
{
    public const int DefaultHits = 10;
    public const int MaxHits = 50;

    /// <summary>The most candidates asked of a node (twice <see cref="MaxHits"/>).</summary>
    public const int MaxCandidates = 2 * MaxHits;

    /// <param name="match">An FTS5 query from <see cref="SearchQuery.Parse"/>.</param>
    /// <param name="query">What was typed (sent to peers, which parse it themselves).</param>
    /// <param name="limit">How many hits to return (1 to <see cref="MaxHits"/>).</param>
    /// <param name="cancellationToken">The caller going away (peers are given up after the budget on their own).</param>
    public async Task<MeshSearchResult> SearchAsync(string query, string match, int limit, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var snapshot = directory.Snapshot();
        var live = snapshot.Where(IsLive).ToList();
        var missing = snapshot.Where(p => !p.Revoked && !IsLive(p) && directory.IsAdmitted(p.NodeId)).Select(p => p.NodeId).ToList();

        using var budget = new CancellationTokenSource(options.Value.SearchBudget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        var candidates = Math.Min(2 * limit, MaxCandidates);
        var (model, vector) = await EmbedQueryAsync(query, cancellationToken);
        var request = new PeerSearchRequest(query, candidates, model, vector);
        var asks = live.Select(p => AskAsync(p, request, linked.Token)).ToList();
        var terms = SearchQuery.Searched(query);
        var local = await index.SearchAsync(match, candidates, cancellationToken);
        var statistics = new List<TermStatistics> { await index.StatisticsAsync(terms, cancellationToken) };
        IReadOnlyList<LocalHit> near = vector is null ? [] : await index.NearestAsync(vector, model!, candidates, cancellationToken);
        var answers = await Task.WhenAll(asks);
        cancellationToken.ThrowIfCancellationRequested();

        var found = new List<MeshHit>();
        var similar = new List<(MeshHit Hit, double Similarity)>();
        found.AddRange(local.Select(h => Hit(h, node.NodeId, node.Name)));
        similar.AddRange(near.Select(h => (Hit(h, node.NodeId, node.Name), h.Similarity)));
        for (var i = 0; i < live.Count; i++)
        {
            if (answers[i] is not { } answer)
            {
                missing.Add(live[i].NodeId);
                continue;
            }

            found.AddRange(answer.Hits.Take(candidates).Select(h => Hit(h, live[i].NodeId, live[i].Name)));
            similar.AddRange((answer.Similar ?? []).Take(candidates).Select(h => (Hit(h, live[i].NodeId, live[i].Name), h.Similarity)));
            statistics.Add(answer.Statistics ?? TermStatistics.None);
        }

        // A pinned file's chunk comes from its origin and from every node holding a replica: one hit.
        var mesh = TermStatistics.Sum(statistics);
        var lexical = found
            .DistinctBy(Identity)
            .Select(h => (Hit: h, Score: GlobalBm25.Score(h.Text, terms, mesh)))
            .OrderByDescending(c => c.Score)
            .Select(c => c.Hit)
            .ToList();
        var semantic = similar
            .Where(s => s.Similarity >= options.Value.MinSimilarity)
            .OrderByDescending(s => s.Similarity)
            .Select(s => s.Hit)
            .DistinctBy(Identity)
            .Take(candidates)
            .ToList();

        // A chunk found both ways keeps the lexical hit, whose snippet marks the words that matched.
        var fused = RankFusion.Fuse([lexical, semantic], HitIdentity.Instance);
        var result = new MeshSearchResult([.. fused.Take(limit).Select(f => f.Item with { Score = Math.Round(f.Score, 6) })], missing);
        metrics.Searched(missing.Count == 0, time.GetElapsedTime(started));
        return result;
    }

    /// <summary>The query's embedding and its model, or nulls when the mesh has no embedding model or it did not answer within half the budget.</summary>
    private async Task<(string? Model, float[]? Vector)> EmbedQueryAsync(string query, CancellationToken cancellationToken)
    {
        if (embeddings.Model() is not { } model)
        {
            return (null, null);
        }

        using var deadline = new CancellationTokenSource(options.Value.SearchBudget / 2, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return (model, (await embeddings.EmbedAsync(model, [query], linked.Token))[0]);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogQueryNotEmbedded(model, "no answer within half the search budget");
        }
        catch (Exception ex) when (ex is LlmUnavailableException or InvalidDataException)
        {
            LogQueryNotEmbedded(model, ex.Message);
        }

        return (null, null);
    }

    private static (string NodeId, string File, string Sha256, int Chunk) Identity(MeshHit hit) => (hit.NodeId, hit.File, hit.Sha256, hit.Chunk);

    private sealed class HitIdentity : IEqualityComparer<MeshHit>
    {
        public static readonly HitIdentity Instance = new();

        public bool Equals(MeshHit? x, MeshHit? y) => x is not null && y is not null && Identity(x) == Identity(y);

        public int GetHashCode(MeshHit hit) => Identity(hit).GetHashCode();
    }

    private static MeshHit Hit(LocalHit hit, string nodeId, string nodeName) =>
        new(hit.OriginNodeId.Length == 0 ? nodeId : hit.OriginNodeId, hit.OriginNodeId.Length == 0 ? nodeName : hit.OriginName,
            hit.Name, hit.Sha256, hit.Chunk, hit.Snippet, hit.Text, 0);

    private static bool IsLive(PeerInfo peer) => peer is { LinkState: LinkState.Up, Revoked: false, MeshPort: > 0, Addresses.Count: > 0 };

    /// <summary>The peer's answer, or null when it did not answer well within the budget.</summary>
    private async Task<PeerSearchResponse?> AskAsync(PeerInfo peer, PeerSearchRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var client = clients.HttpFor(peer.NodeId, peer.Addresses[0], peer.MeshPort);
            using var response = await client.PostAsJsonAsync("/mesh/knowledge/search", request, PeerSearchJsonContext.Default.PeerSearchRequest,
                cancellationToken);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync(PeerSearchJsonContext.Default.PeerSearchResponse, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogPeerLate(peer.Name);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or NotSupportedException)
        {
            LogPeerFailed(peer.Name, ex.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 1910, Level = LogLevel.Debug, Message = "Search: {Peer} did not answer within the budget")]
    private partial void LogPeerLate(string peer);

    [LoggerMessage(EventId = 1911, Level = LogLevel.Debug, Message = "Search: {Peer} could not be asked: {Reason}")]
    private partial void LogPeerFailed(string peer, string reason);

    [LoggerMessage(EventId = 1912, Level = LogLevel.Debug, Message = "Search: the query was not embedded with '{Model}' ({Reason}); searching by words only")]
    private partial void LogQueryNotEmbedded(string model, string reason);
}
