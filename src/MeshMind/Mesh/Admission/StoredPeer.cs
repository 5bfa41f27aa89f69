namespace MeshMind.Mesh.Admission;

/// <summary>A peer as the <c>peers</c> table remembers it.</summary>
internal sealed record StoredPeer(string NodeId, string Name, string? LastAddress, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
