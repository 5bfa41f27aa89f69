using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Admission;

/// <summary>The link messages of <see cref="SecretRotation"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 16)]
[JsonSerializable(typeof(SecretRotationMessage))]
[JsonSerializable(typeof(SecretProofMessage))]
internal sealed partial class SecretJsonContext : JsonSerializerContext;
