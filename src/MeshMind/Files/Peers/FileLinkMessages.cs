using System.Text.Json.Serialization;
using MeshMind.Mesh.Links;

namespace MeshMind.Files.Peers;

/// <summary>Files a node has (all of them on link-up, then each new one), so peers list them without polling.</summary>
internal sealed record FileAnnounceMessage(IReadOnlyList<AnnouncedFile> Files) : LinkMessage;

/// <summary>A file the node no longer has: its own, or (with <paramref name="Origin"/>) its replica of that node's file.</summary>
internal sealed record FileRemovedMessage(string Name, string? Origin = null) : LinkMessage;

/// <summary>
/// The sender pinned these files of its own: the receiver, if it has room under <c>Files:ReplicaQuotaBytes</c>, pulls each
/// from the sender's <c>GET /mesh/files/{sha256}</c>, checks its SHA-256 and keeps it as a replica. Answered per file with
/// <see cref="FilePinResultMessage"/>. With <paramref name="Sync"/> (sent on link-up, after hello) the receiver also reads
/// the sender's whole list and brings its replicas of the sender's files in line: pins it missed, unpins it missed.
/// </summary>
internal sealed record FilePinMessage(IReadOnlyList<AnnouncedFile> Files, bool Sync = false) : LinkMessage;

/// <summary>Whether the receiver of a <see cref="FilePinMessage"/> now holds a verified replica of the file, or why not.</summary>
internal sealed record FilePinResultMessage(string Id, string Name, bool Accepted, string? Reason = null) : LinkMessage;

/// <summary>The sender unpinned (or deleted) its file of this name: replicas of it are dropped.</summary>
internal sealed record FileUnpinMessage(string Name) : LinkMessage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 16)]
[JsonSerializable(typeof(FileAnnounceMessage))]
[JsonSerializable(typeof(FileRemovedMessage))]
[JsonSerializable(typeof(FilePinMessage))]
[JsonSerializable(typeof(FilePinResultMessage))]
[JsonSerializable(typeof(FileUnpinMessage))]
internal sealed partial class FileLinkJsonContext : JsonSerializerContext
{
    /// <summary>What <see cref="PeerFiles"/> owns: the lists.</summary>
    public static LinkMessageType[] ListTypes =>
    [
        LinkMessageType.Of<FileAnnounceMessage>("file_announce", Default),
        LinkMessageType.Of<FileRemovedMessage>("file_removed", Default),
    ];

    /// <summary>What <see cref="Pinning.Replication"/> owns: pinning.</summary>
    public static LinkMessageType[] PinTypes =>
    [
        LinkMessageType.Of<FilePinMessage>("file_pin", Default),
        LinkMessageType.Of<FilePinResultMessage>("file_pin_result", Default),
        LinkMessageType.Of<FileUnpinMessage>("file_unpin", Default),
    ];
}
