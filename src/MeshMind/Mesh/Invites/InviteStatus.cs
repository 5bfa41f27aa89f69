namespace MeshMind.Mesh.Invites;

/// <summary>The inviting node's answer to an invite's opening (<see cref="InviteOpening"/>); anything but <see cref="Accepted"/> closes the connection.</summary>
internal enum InviteStatus : byte
{
    Accepted = 0,

    /// <summary>The node made no invite with this token (or forgot it, a day after it expired).</summary>
    Unknown = 1,

    Used = 2,

    Expired = 3,

    /// <summary>Too many invite attempts from this address, or from everywhere, in the last minute.</summary>
    TooManyAttempts = 4,

    NoCertificate = 5,

    Malformed = 6,
}
