namespace MeshMind.Files;

/// <summary>Shared files (configuration section <c>Files</c>).</summary>
internal sealed class FileOptions
{
    public const string Section = "Files";

    /// <summary>Largest upload accepted; a larger one gets 413 before it reaches the disk.</summary>
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Room for other nodes' pinned files (replicas) on this node; a pin that would exceed it is declined. 0 holds none.</summary>
    public long ReplicaQuotaBytes { get; set; } = 10L * 1024 * 1024 * 1024;
}
