using System.Net;

namespace MeshMind.Mesh.Invites;

/// <summary>A redeemed invite: the inviting node (its id checked against its certificate), where it was reached, and the mesh's secret.</summary>
internal sealed record RedeemedInvite(string NodeId, string Name, IPEndPoint Endpoint, string Secret, DateTimeOffset SecretSince);
