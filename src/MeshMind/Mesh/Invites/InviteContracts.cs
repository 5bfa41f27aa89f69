using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Invites;

/// <summary><c>POST /api/invites</c>: the code to give the new device, and when it stops working.</summary>
internal sealed record CreatedInviteResponse(string Code, DateTimeOffset ExpiresAt);

/// <summary><c>POST /api/mesh/join</c>: an invite code made by a node of the mesh to join.</summary>
internal sealed record JoinMeshRequest(string? Code);

/// <summary>The joined mesh's inviting node, now pinned and dialled as a static peer at <c>address</c> (<c>HOST:PORT</c>).</summary>
internal sealed record JoinMeshResponse(string NodeId, string Name, string Address);

/// <summary><c>POST /mesh/invite</c> (mesh port, on an invite's connection): the new device's name.</summary>
internal sealed record InviteRedeemRequest(string? Name);

/// <summary>The answer to a redeemed invite: the inviting node, the mesh's current secret and when it became current (Unix ms).</summary>
internal sealed record InviteRedemption(string NodeId, string Name, string Secret, long SecretSince, int MeshPort);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CreatedInviteResponse))]
[JsonSerializable(typeof(JoinMeshRequest))]
[JsonSerializable(typeof(JoinMeshResponse))]
[JsonSerializable(typeof(InviteRedeemRequest))]
[JsonSerializable(typeof(InviteRedemption))]
internal sealed partial class InviteJsonContext : JsonSerializerContext;
