namespace MeshMind.Mesh.Admission;

/// <summary>A peer could not be joined: it is not part of this mesh, refused us, or is revoked.</summary>
public sealed class MeshJoinException(string message) : Exception(message);
