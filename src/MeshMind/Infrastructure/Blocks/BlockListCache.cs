using System.Collections.Concurrent;

namespace MeshMind.Infrastructure.Blocks;

/// <summary>
/// Block lists of files on disk, computed once per file version (path, length and last write time) and kept, so a
/// multi-GB file is hashed once, not on every request for its list. Concurrent requests for one file share one computation.
/// </summary>
internal sealed class BlockListCache
{
    /// <summary>Lists kept; beyond this the cache starts over (a list is about 65 bytes per MiB of file).</summary>
    public const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<(string Path, long Size, DateTime Modified), Lazy<Task<BlockList>>> _lists = new();
    private int _computed;

    /// <summary>How many lists were computed (not served from the cache).</summary>
    public int Computed => Volatile.Read(ref _computed);

    /// <summary>The block list of the file at <paramref name="path"/> as it is now.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public async Task<BlockList> GetAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException("no such file", path);
        }

        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        if (_lists.Count >= MaxEntries && !_lists.ContainsKey(key))
        {
            _lists.Clear();
        }

        var lazy = _lists.GetOrAdd(key, k => new Lazy<Task<BlockList>>(() => ComputeAsync(k.Path)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _lists.TryRemove(new KeyValuePair<(string, long, DateTime), Lazy<Task<BlockList>>>(key, lazy));
            throw;
        }
    }

    /// <remarks>Not cancelled with the request that started it: others may be waiting for the same list.</remarks>
    private async Task<BlockList> ComputeAsync(string path)
    {
        Interlocked.Increment(ref _computed);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await BlockList.ComputeAsync(stream, BlockList.DefaultBlockSize, CancellationToken.None);
    }
}
