using System.Text;

namespace MeshMind.Telemetry;

/// <summary>
/// A log file capped in size: when the next entry would take <c>FILE</c> past <c>maxBytes</c>, it becomes <c>FILE.1</c>
/// (<c>FILE.1</c> becomes <c>FILE.2</c>, and so on), the oldest beyond <c>count</c> files in all is deleted, and a new
/// <c>FILE</c> is started. At most <c>maxBytes × count</c> bytes are ever on disk.
/// </summary>
/// <remarks>
/// Entries are written and flushed at once, under a lock: the node logs a few lines a minute (repeats are debounced), so a
/// queue and a writer thread would buy nothing, and a line written before a crash is on disk. A failing disk never stops
/// the node: an entry that cannot be written is counted in <see cref="Dropped"/> and skipped.
/// </remarks>
internal sealed class RollingLogFile : IDisposable
{
    /// <summary>The longest entry kept whole; a longer one (a huge exception) is cut, so one entry cannot flush the history.</summary>
    public const int MaxEntryBytes = 32 * 1024;

    private readonly Lock _lock = new();
    private readonly long _maxBytes;
    private readonly int _count;
    private FileStream? _stream;

    /// <summary>Opens (or creates, with its directory) <paramref name="path"/> for appending.</summary>
    /// <exception cref="IOException">The file or its directory cannot be created or opened.</exception>
    /// <exception cref="UnauthorizedAccessException">This account may not write there.</exception>
    public RollingLogFile(string path, long maxBytes, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Path = path;
        _maxBytes = maxBytes;
        _count = count;
        if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _stream = Open(FileMode.Append);
    }

    public string Path { get; }

    /// <summary>Entries that could not be written (a full or failing disk).</summary>
    public long Dropped { get; private set; }

    /// <summary>The file names from newest to oldest: <c>FILE</c>, <c>FILE.1</c>, … <c>FILE.(count-1)</c>.</summary>
    public static IEnumerable<string> Generations(string path, int count) =>
        Enumerable.Range(0, count).Select(i => i == 0 ? path : $"{path}.{i}");

    /// <summary>Appends one entry (its text should end with a line break), rotating first if it would not fit.</summary>
    public void Append(string entry)
    {
        var bytes = Encoding.UTF8.GetBytes(entry);
        if (bytes.Length > MaxEntryBytes)
        {
            var marker = Encoding.UTF8.GetBytes("… (cut)\n");
            var cut = new byte[MaxEntryBytes];
            bytes.AsSpan(0, MaxEntryBytes - marker.Length).CopyTo(cut);
            marker.CopyTo(cut.AsSpan(MaxEntryBytes - marker.Length));
            bytes = cut;
        }

        lock (_lock)
        {
            try
            {
                _stream ??= Open(FileMode.Append);
                if (_stream.Length > 0 && _stream.Length + bytes.Length > _maxBytes)
                {
                    Rotate();
                }

                _stream.Write(bytes);
                _stream.Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Dropped++;
                // Try the file afresh with the next entry (a disk that was full may have room again).
                _stream?.Dispose();
                _stream = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private void Rotate()
    {
        _stream!.Dispose();
        _stream = null;
        var generations = Generations(Path, _count).ToArray();
        try
        {
            File.Delete(generations[^1]);
            for (var i = generations.Length - 2; i >= 0; i--)
            {
                if (File.Exists(generations[i]))
                {
                    File.Move(generations[i], generations[i + 1], overwrite: true);
                }
            }

            _stream = Open(FileMode.Append);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The older files cannot be moved (another program holds one, say): start this one over rather than outgrow the cap.
            _stream = Open(FileMode.Create);
        }
    }

    private FileStream Open(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
        {
            // The log names peers and addresses: readable by the node's own account (and root) only, like its data directory.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(Path, options);
    }
}
