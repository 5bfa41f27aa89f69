namespace MeshMind.Files.Store;

/// <summary>A copy this node keeps of another node's pinned file: not its own (its user cannot delete it), served while the origin is away.</summary>
internal sealed record ReplicaFile(
    string OriginNodeId, string OriginName, string Name, string Sha256, long Size, string ContentType, DateTimeOffset Modified);
