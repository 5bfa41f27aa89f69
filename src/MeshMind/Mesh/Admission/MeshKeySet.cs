namespace MeshMind.Mesh.Admission;

/// <summary>Purpose keys derived from one mesh secret: one for discovery tags, one for admission proofs.</summary>
internal sealed record MeshKeySet(byte[] Discovery, byte[] Join);
