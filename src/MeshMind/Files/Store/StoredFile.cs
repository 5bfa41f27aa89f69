namespace MeshMind.Files.Store;

/// <summary>A file in this node's store: its name, and the blob (named by SHA-256) holding its bytes.</summary>
internal sealed record StoredFile(string Name, string Sha256, long Size, string ContentType, DateTimeOffset Modified, bool Pinned);
