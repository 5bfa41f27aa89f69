using System.Text.Json.Serialization;
using MeshMind.Knowledge.Index;

namespace MeshMind.Knowledge.Peers;

/// <summary>
/// <c>POST /mesh/knowledge/search</c>: what was typed, how many chunks to send, and (for semantic search) the query's embedding
/// with the model that made it, so the peer compares it with its own vectors of that model without embedding it again.
/// </summary>
internal sealed record PeerSearchRequest(string Q, int K, string? Model = null, float[]? Vector = null);

/// <summary>
/// A peer's answer to <c>/mesh/knowledge/search</c>: its best chunks by words (<see cref="LocalHit"/>; an empty origin is the peer's own
/// file), its index's statistics for the query's terms (null from a peer that sends none), and its chunks nearest to the query's
/// embedding (null or empty when none was sent, or the peer has no vectors of that model: it answers by words alone).
/// </summary>
internal sealed record PeerSearchResponse(IReadOnlyList<LocalHit> Hits, TermStatistics? Statistics, IReadOnlyList<LocalHit>? Similar = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PeerSearchRequest))]
[JsonSerializable(typeof(PeerSearchResponse))]
internal sealed partial class PeerSearchJsonContext : JsonSerializerContext;
