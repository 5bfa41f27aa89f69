namespace MeshMind.Mesh.Admission;

/// <summary>A server's answer to a connection's proof (<see cref="ConnectionProof"/>); anything but <see cref="Accepted"/> closes the connection.</summary>
internal enum ConnectionProofStatus : byte
{
    Accepted = 0,

    /// <summary>No proof matched a secret the server accepts.</summary>
    NotThisMesh = 1,

    Revoked = 2,

    /// <summary>The client's clock is more than 60 s from the server's.</summary>
    ClockSkew = 3,

    /// <summary>The nonce was used before.</summary>
    Replayed = 4,

    /// <summary>The client presented the server's own certificate.</summary>
    OwnIdentity = 5,

    NoCertificate = 6,

    Malformed = 7,
}
