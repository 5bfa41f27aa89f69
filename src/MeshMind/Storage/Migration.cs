namespace MeshMind.Storage;

/// <summary>One schema step. Versions are dense and only ever appended; a shipped migration never changes.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
