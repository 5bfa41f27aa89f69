namespace MeshMind.Infrastructure;

/// <summary>
/// Makes one process the only user of a directory: a lock file held open, with no sharing, for as long as the process runs.
/// The operating system releases it when the process ends, however it ends (kill -9, a crash, a power cut), so a stale lock
/// never blocks a restart.
/// </summary>
/// <remarks>
/// <see cref="FileShare.None"/> is an exclusive <c>flock(2)</c> on Linux and macOS, which every .NET process honours, and a
/// share-nothing open on Windows. Another process cannot read a file locked this way (on Unix its own open asks for a shared
/// lock), so the holder's process id is written to a second file once the lock is taken.
/// </remarks>
internal sealed class DirectoryLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _processIdPath;

    private DirectoryLock(FileStream held, string processIdPath)
    {
        _lock = held;
        _processIdPath = processIdPath;
    }

    /// <summary>Takes the lock on <paramref name="lockPath"/> and records this process in <paramref name="processIdPath"/>.</summary>
    /// <returns>The held lock, or null when another process holds it (its id in <paramref name="holder"/> when it is known).</returns>
    public static DirectoryLock? TryAcquire(string lockPath, string processIdPath, out int? holder)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = SecureFile.OwnerOnly;
        }

        FileStream held;
        try
        {
            held = new FileStream(lockPath, options);
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            holder = ReadProcessId(processIdPath);
            return null;
        }

        holder = null;
        try
        {
            SecureFile.WriteAllBytes(processIdPath, System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        }
        catch
        {
            held.Dispose();
            throw;
        }

        return new DirectoryLock(held, processIdPath);
    }

    /// <summary>Forgets this process's id and releases the lock (the lock file stays: removing it could race a process opening it).</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_processIdPath);
        }
        catch (IOException)
        {
            // The next holder overwrites it.
        }

        _lock.Dispose();
    }

    /// <summary>
    /// Whether opening failed because another process holds the file, rather than for a reason of its own (a read-only
    /// or full disk), which must be reported as it is: .NET reports the former with the system's error code as HResult.
    /// </summary>
    private static bool IsHeldElsewhere(IOException ex)
    {
        const int ErrorSharingViolation = 32, ErrorLockViolation = 33; // Windows, in the low word of the HRESULT
        const int LinuxEWouldBlock = 11, BsdEWouldBlock = 35; // flock(2) with LOCK_NB: EWOULDBLOCK (= EAGAIN)
        if (OperatingSystem.IsWindows())
        {
            return (ex.HResult & 0xFFFF) is ErrorSharingViolation or ErrorLockViolation;
        }

        return ex.HResult == (OperatingSystem.IsLinux() || OperatingSystem.IsAndroid() ? LinuxEWouldBlock : BsdEWouldBlock);
    }

    private static int? ReadProcessId(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not written yet (the holder has just taken the lock), or unreadable: the message says the id is unknown.
            return null;
        }
    }
}
