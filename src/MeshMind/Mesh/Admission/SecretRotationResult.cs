namespace MeshMind.Mesh.Admission;

/// <summary>A rotation made here: when, until when the secret before it is still accepted, and how many linked peers were sent the new one.</summary>
internal sealed record SecretRotationResult(DateTimeOffset RotatedAt, DateTimeOffset PreviousAcceptedUntil, int PeersSent);
