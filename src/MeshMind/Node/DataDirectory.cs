using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Node;

/// <summary>The node's data directory (default <c>./meshmind-data</c>), created owner-only on first use.</summary>
internal sealed class DataDirectory : IDisposable
{
    /// <summary>Held open by the node using the directory (see <see cref="Lock"/>).</summary>
    public const string LockFileName = "meshmind.lock";

    /// <summary>The process id of the node holding <see cref="LockFileName"/>, for the message another node prints.</summary>
    public const string ProcessIdFileName = "meshmind.pid";

    private DirectoryLock? _lock;

    public DataDirectory(IOptions<NodeOptions> options)
    {
        Root = options.Value.FullDataDir;
        SecureFile.CreateOwnerOnlyDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>
    /// Makes this process the directory's only node until <see cref="Dispose"/> or the process ends: two nodes on one
    /// directory would share a database and an identity (issue 14, finding 2).
    /// </summary>
    /// <exception cref="DataDirectoryInUseException">Another process holds the directory.</exception>
    public void Lock()
    {
        _lock ??= DirectoryLock.TryAcquire(PathOf(LockFileName), PathOf(ProcessIdFileName), out var holder)
            ?? throw new DataDirectoryInUseException(Root, holder);
    }

    /// <summary>
    /// Makes the directory and everything in it readable by this account only (0700/0600, or an owner-only ACL on Windows),
    /// including what an older version or a restore left world-readable (issue 14, finding 7).
    /// </summary>
    public void RestrictToOwner() => SecureFile.RestrictToOwner(Root);

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
