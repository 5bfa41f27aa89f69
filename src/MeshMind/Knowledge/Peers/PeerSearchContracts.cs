using System.Text.Json.Serialization;
using MeshMind.Knowledge.Index;

namespace MeshMind.Knowledge.Peers;

/// <summary>A peer's answer to <c>GET /mesh/knowledge/search</c>: its best chunks (<see cref="LocalHit"/>; an empty origin is the peer's own file).</summary>
internal sealed record PeerSearchResponse(IReadOnlyList<LocalHit> Hits);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PeerSearchResponse))]
internal sealed partial class PeerSearchJsonContext : JsonSerializerContext;
