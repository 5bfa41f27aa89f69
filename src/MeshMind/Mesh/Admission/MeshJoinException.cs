namespace MeshMind.Mesh.Admission;

/// <summary>A peer could not be joined: it is not part of this mesh, refused us, or is revoked.</summary>
internal sealed class MeshJoinException(string message) : Exception(message);
