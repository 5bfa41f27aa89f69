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
    string DownloadUrl);

public sealed record FileList(IReadOnlyList<FileEntry> Files);

public sealed record UploadResponse(string Name, long Size, string Sha256, string ContentType, DateTimeOffset Modified);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FileList))]
[JsonSerializable(typeof(UploadResponse))]
internal sealed partial class FileJsonContext : JsonSerializerContext;

/// <summary>A file as peers learn of it: over the link (<c>file_announce</c>) and from <c>GET /mesh/files</c>.</summary>
public sealed record AnnouncedFile(string Id, string Name, long Size, string ContentType, DateTimeOffset Modified)
{
    public static AnnouncedFile From(StoredFile file) => new(file.Sha256, file.Name, file.Size, file.ContentType, file.Modified);
}

public sealed record MeshFileList(IReadOnlyList<AnnouncedFile> Files);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MeshFileList))]
internal sealed partial class MeshFileJsonContext : JsonSerializerContext;
