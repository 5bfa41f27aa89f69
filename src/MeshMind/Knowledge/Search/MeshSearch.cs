using MeshMind.Knowledge.Index;
using MeshMind.Knowledge.Peers;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Knowledge.Search;

/// <summary>
/// Searches this node's index and every linked peer's (<c>GET /mesh/knowledge/search</c>) at once, waits at most
/// <see cref="KnowledgeOptions.SearchBudget"/> for the peers, and merges what came.
/// </summary>
/// <remarks>
/// Chunks are ranked together by their bm25 (each node's from its own statistics, close enough across nodes whose files are
/// alike, and much closer to one index of everything than interleaving each node's list), and the ranking goes through
/// <see cref="RankFusion"/>, where a semantic ranking would join it. A peer that is away, fails or is late is named in
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
    ILogger<MeshSearch> logger)
{
    public const int DefaultHits = 10;
    public const int MaxHits = 50;

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
        var asks = live.Select(p => AskAsync(p, query, limit, linked.Token)).ToList();
        var local = await index.SearchAsync(match, limit, cancellationToken);
        var answers = await Task.WhenAll(asks);
        cancellationToken.ThrowIfCancellationRequested();

        var found = new List<MeshHitCandidate>();
        found.AddRange(local.Select(h => Candidate(h, node.NodeId, node.Name)));
        for (var i = 0; i < live.Count; i++)
        {
            if (answers[i] is not { } hits)
            {
                missing.Add(live[i].NodeId);
                continue;
            }

            found.AddRange(hits.Take(limit).Select(h => Candidate(h, live[i].NodeId, live[i].Name)));
        }

        // A pinned file's chunk comes from its origin and from every node holding a replica: one hit, its best rank.
        var lexical = found
            .GroupBy(c => (c.Hit.NodeId, c.Hit.File, c.Hit.Sha256, c.Hit.Chunk))
            .Select(g => g.MinBy(c => c.Bm25)!)
            .OrderBy(c => c.Bm25)
            .Select(c => c.Hit)
            .ToList();
        var fused = RankFusion.Fuse([lexical]);
        var result = new MeshSearchResult([.. fused.Take(limit).Select(f => f.Item with { Score = Math.Round(f.Score, 6) })], missing);
        metrics.Searched(missing.Count == 0, time.GetElapsedTime(started));
        return result;
    }

    private sealed record MeshHitCandidate(MeshHit Hit, double Bm25);

    private static MeshHitCandidate Candidate(LocalHit hit, string nodeId, string nodeName) =>
        new(new MeshHit(hit.OriginNodeId.Length == 0 ? nodeId : hit.OriginNodeId, hit.OriginNodeId.Length == 0 ? nodeName : hit.OriginName,
            hit.Name, hit.Sha256, hit.Chunk, hit.Snippet, hit.Text, 0), hit.Bm25);

    private static bool IsLive(PeerInfo peer) => peer is { LinkState: LinkState.Up, Revoked: false, MeshPort: > 0, Addresses.Count: > 0 };

    /// <summary>The peer's hits, or null when it did not answer well within the budget.</summary>
    private async Task<IReadOnlyList<LocalHit>?> AskAsync(PeerInfo peer, string query, int limit, CancellationToken cancellationToken)
    {
        try
        {
            var client = clients.HttpFor(peer.NodeId, peer.Addresses[0], peer.MeshPort);
            var url = $"/mesh/knowledge/search?q={Uri.EscapeDataString(query)}&k={limit}";
            var answer = await client.GetFromJsonAsync(url, PeerSearchJsonContext.Default.PeerSearchResponse, cancellationToken);
            return answer?.Hits;
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
}
