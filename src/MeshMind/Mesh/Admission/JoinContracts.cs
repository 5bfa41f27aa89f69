using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Admission;

internal sealed record JoinRequest(string NodeId, string InstanceId, string Name, string NonceC, long Ts, string ProofC);

internal sealed record JoinResponse(string NodeId, string InstanceId, string Name, string NonceS, string ProofS);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(JoinResponse))]
internal sealed partial class MeshJsonContext : JsonSerializerContext;
