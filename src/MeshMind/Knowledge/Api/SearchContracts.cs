using System.Text.Json.Serialization;

namespace MeshMind.Knowledge.Api;

/// <summary>One hit of <c>GET /api/search</c>.</summary>
/// <param name="NodeId">The node whose file it is.</param>
/// <param name="Node">That node's name.</param>
/// <param name="File">The file's name.</param>
/// <param name="Snippet">Words around the match; each matched word is between <c>&lt;mark&gt;</c> and <c>&lt;/mark&gt;</c>, the rest is plain text (not HTML-escaped).</param>
/// <param name="Score">Higher is better (reciprocal rank fusion of the rankings).</param>
/// <param name="DownloadUrl">Where this node serves the file (its own, or through its proxy to the peer).</param>
internal sealed record SearchHit(string NodeId, string Node, string File, string Snippet, double Score, string DownloadUrl);

/// <summary><c>GET /api/search</c>: the hits, best first, and the node ids of peers that were not searched (away, failed, or late).</summary>
internal sealed record SearchResponse(IReadOnlyList<SearchHit> Hits, IReadOnlyList<string> Missing);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SearchResponse))]
internal sealed partial class SearchJsonContext : JsonSerializerContext;
