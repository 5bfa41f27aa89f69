using System.Text.Json.Serialization;
using MeshMind.Files.Pinning;

namespace MeshMind.Files.Api;

internal sealed record FileOrigin(string NodeId, string Name, string Address);

internal sealed record FileSource(string NodeId, string Name);

/// <summary>One entry of <c>GET /api/files</c>.</summary>
internal sealed record FileEntry(
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
    [JsonRequired] // always sent (empty when there are none), so the API document marks it required
    public IReadOnlyList<string> Replicas { get; init; } = [];
}

internal sealed record FileList(IReadOnlyList<FileEntry> Files);

internal sealed record UploadResponse(string Name, long Size, string Sha256, string ContentType, DateTimeOffset Modified);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FileList))]
[JsonSerializable(typeof(UploadResponse))]
[JsonSerializable(typeof(PinResponse))]
internal sealed partial class FileJsonContext : JsonSerializerContext;
