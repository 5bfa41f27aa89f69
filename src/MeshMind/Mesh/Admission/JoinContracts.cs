using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Admission;

public sealed record JoinRequest(string NodeId, string InstanceId, string Name, string NonceC, long Ts, string ProofC);

public sealed record JoinResponse(string NodeId, string InstanceId, string Name, string NonceS, string ProofS);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(JoinResponse))]
internal sealed partial class MeshJsonContext : JsonSerializerContext;
