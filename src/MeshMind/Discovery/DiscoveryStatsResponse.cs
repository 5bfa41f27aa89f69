using System.Text.Json.Serialization;

namespace MeshMind.Discovery;

/// <summary><c>GET /api/discovery</c>: datagrams and bytes each way, and drops by reason.</summary>
internal sealed record DiscoveryStatsResponse(string Mode, int Port, long Sent, long Received, long BytesOut, long BytesIn, IReadOnlyDictionary<string, long> Dropped);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DiscoveryStatsResponse))]
internal sealed partial class DiscoveryApiJsonContext : JsonSerializerContext;
