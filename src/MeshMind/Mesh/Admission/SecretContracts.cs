using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Admission;

/// <summary>The mesh secret's state (never the secret): whether this node can change it (<c>secret_file</c>, or why not), and a running rotation's end.</summary>
internal sealed record MeshSecretResponse(bool Writable, string? SecretFile, string? NotWritableReason, int PreviousSecrets, DateTimeOffset? PreviousAcceptedUntil);

/// <summary>A rotation: when it was made, until when the secret before it is still accepted, and how many linked peers were sent it.</summary>
internal sealed record SecretRotationResponse(DateTimeOffset RotatedAt, DateTimeOffset PreviousAcceptedUntil, int PeersSent);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(MeshSecretResponse))]
[JsonSerializable(typeof(SecretRotationResponse))]
internal sealed partial class SecretApiJsonContext : JsonSerializerContext;
