namespace MeshMind.Knowledge.Index;

/// <summary>A file in the index: whose it is (<see cref="OriginNodeId"/> empty for this node's own), its name, and the content indexed.</summary>
internal sealed record IndexedDocument(long Id, string OriginNodeId, string Name, string Sha256);
