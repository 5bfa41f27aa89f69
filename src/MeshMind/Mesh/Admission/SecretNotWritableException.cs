namespace MeshMind.Mesh.Admission;

/// <summary>The node cannot change its secret: it is configured where the node does not write (<see cref="MeshKeys.NotWritableReason"/>).</summary>
internal sealed class SecretNotWritableException(string message) : Exception(message);
