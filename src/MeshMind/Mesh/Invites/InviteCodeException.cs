namespace MeshMind.Mesh.Invites;

/// <summary>The text is not a usable invite code; the message says why, for the person who typed or pasted it.</summary>
internal sealed class InviteCodeException(string message) : Exception(message);
