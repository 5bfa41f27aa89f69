using System.Text.Json.Serialization;

namespace MeshMind.Overview;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(PeerResponse[]))]
internal sealed partial class OverviewJsonContext : JsonSerializerContext;
