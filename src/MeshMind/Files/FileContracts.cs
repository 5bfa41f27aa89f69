using System.Text.Json.Serialization;

namespace MeshMind.Files;

public sealed record FileOrigin(string NodeId, string Name, string Address);

public sealed record FileSource(string NodeId, string Name);

/// <summary>One entry of <c>GET /api/files</c>.</summary>
public sealed record FileEntry(
    string Name,
    long Size,
    string Sha256,
    string ContentType,
    DateTimeOffset Modified,
    FileOrigin Origin,
    bool Local,
    bool Pinned,
    bool Available,
    IReadOnlyList<FileSource> AvailableFrom,
    string DownloadUrl)
{
    /// <summary>Nodes other than the origin that hold a replica (a pinned file's copies).</summary>
    public IReadOnlyList<string> Replicas { get; init; } = [];
}

public sealed record FileList(IReadOnlyList<FileEntry> Files);

public sealed record UploadResponse(string Name, long Size, string Sha256, string ContentType, DateTimeOffset Modified);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FileList))]
[JsonSerializable(typeof(UploadResponse))]
[JsonSerializable(typeof(PinResponse))]
internal sealed partial class FileJsonContext : JsonSerializerContext;

/// <summary>
/// A file as peers learn of it: over the link (<c>file_announce</c>) and from <c>GET /mesh/files</c>. A node's own file
/// has no <see cref="Origin"/>; a replica it holds for another node names that node (and is always pinned).
/// </summary>
public sealed record AnnouncedFile(
    string Id, string Name, long Size, string ContentType, DateTimeOffset Modified, bool Pinned = false, string? Origin = null, string? OriginName = null)
{
    public static AnnouncedFile From(StoredFile file) => new(file.Sha256, file.Name, file.Size, file.ContentType, file.Modified, file.Pinned);

    public static AnnouncedFile From(ReplicaFile replica) =>
        new(replica.Sha256, replica.Name, replica.Size, replica.ContentType, replica.Modified, Pinned: true, replica.OriginNodeId, replica.OriginName);

    /// <summary>One key per file a node lists: its own files by name, replicas by origin and name ('/' is never in a name).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => Origin is null ? Name : Origin + "/" + Name;
}

public sealed record MeshFileList(IReadOnlyList<AnnouncedFile> Files);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MeshFileList))]
internal sealed partial class MeshFileJsonContext : JsonSerializerContext;
