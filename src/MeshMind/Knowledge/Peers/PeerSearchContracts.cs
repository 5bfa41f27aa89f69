using System.Text.Json.Serialization;
using MeshMind.Knowledge.Index;

namespace MeshMind.Knowledge.Peers;

/// <summary>
/// A peer's answer to <c>GET /mesh/knowledge/search</c>: its best chunks (<see cref="LocalHit"/>; an empty origin is the peer's own
/// file), and its index's statistics for the query's terms (null from a peer that sends none).
/// </summary>
internal sealed record PeerSearchResponse(IReadOnlyList<LocalHit> Hits, TermStatistics? Statistics);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PeerSearchResponse))]
internal sealed partial class PeerSearchJsonContext : JsonSerializerContext;
