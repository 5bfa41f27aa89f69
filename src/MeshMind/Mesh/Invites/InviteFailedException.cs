namespace MeshMind.Mesh.Invites;

/// <summary>
/// An invite could not be redeemed. <see cref="Refusal"/> is the inviting node's answer when it gave one (used, expired…); null when
/// it could not be reached, or no node at the code's addresses had the code's certificate (then the token was never sent).
/// </summary>
internal sealed class InviteFailedException(string message, InviteStatus? refusal = null) : Exception(message)
{
    public InviteStatus? Refusal { get; } = refusal;

    /// <summary>The connection was reset or closed before the inviting node answered (worth one more try), not refused.</summary>
    public bool Reset { get; init; }
}
