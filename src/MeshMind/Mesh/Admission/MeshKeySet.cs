using System.Security.Cryptography;

namespace MeshMind.Mesh.Admission;

/// <summary>Purpose keys derived from one mesh secret: one for discovery tags, one for admission proofs.</summary>
/// <remarks>
/// Compared by reference: <see cref="MeshKeys"/> keeps one instance per secret for as long as the secret is accepted, so "the key
/// a peer proved" can be checked against the accepted set after the set changes.
/// </remarks>
internal sealed class MeshKeySet(byte[] discovery, byte[] join)
{
    public byte[] Discovery { get; } = discovery;

    public byte[] Join { get; } = join;

    /// <summary>A name for the secret that reveals nothing of it (a hash of a derived key), for the schedule kept in the database.</summary>
    public string Id { get; } = Convert.ToHexStringLower(SHA256.HashData(join))[..32];
}
