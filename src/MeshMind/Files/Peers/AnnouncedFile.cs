using System.Text.Json.Serialization;
using MeshMind.Files.Store;

namespace MeshMind.Files.Peers;

/// <summary>
/// A file as peers learn of it: over the link (<c>file_announce</c>) and from <c>GET /mesh/files</c>. A node's own file
/// has no <see cref="Origin"/>; a replica it holds for another node names that node (and is always pinned).
/// </summary>
internal sealed record AnnouncedFile(
    string Id, string Name, long Size, string ContentType, DateTimeOffset Modified, bool Pinned = false, string? Origin = null, string? OriginName = null)
{
    public static AnnouncedFile From(StoredFile file) => new(file.Sha256, file.Name, file.Size, file.ContentType, file.Modified, file.Pinned);

    public static AnnouncedFile From(ReplicaFile replica) =>
        new(replica.Sha256, replica.Name, replica.Size, replica.ContentType, replica.Modified, Pinned: true, replica.OriginNodeId, replica.OriginName);

    /// <summary>One key per file a node lists: its own files by name, replicas by origin and name ('/' is never in a name).</summary>
    [JsonIgnore]
    public string Key => Origin is null ? Name : Origin + "/" + Name;
}

internal sealed record MeshFileList(IReadOnlyList<AnnouncedFile> Files);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MeshFileList))]
[JsonSerializable(typeof(MeshMind.Infrastructure.Blocks.BlockList))]
internal sealed partial class MeshFileJsonContext : JsonSerializerContext;
