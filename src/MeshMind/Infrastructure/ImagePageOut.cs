using System.Globalization;
using System.Runtime.InteropServices;

namespace MeshMind.Infrastructure;

/// <summary>
/// Hands the clean pages of the process's mapped files (the executable, its libraries) back to the kernel on Linux, with
/// <c>madvise(MADV_PAGEOUT)</c> (Linux 5.4+): start-up runs code spread over the whole image, and the kernel maps 64 KB
/// around each first touch, so the Native AOT node kept 35 MB of its executable resident while an idle node uses about a
/// third of it. The pages stay in the page cache and come back on their next use as minor faults; pages another process
/// also maps are left alone by the kernel, and nothing written (anonymous memory) is touched.
/// </summary>
internal static partial class ImagePageOut
{
    private const int MadvPageOut = 21;

    private static int s_unsupported;

    /// <summary>Advises every read-only or executable file mapping of this process; the bytes advised (0 where unsupported).</summary>
    public static long Run()
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref s_unsupported) == 1)
        {
            return 0;
        }

        string[] maps;
        try
        {
            maps = File.ReadAllLines("/proc/self/maps");
        }
        catch (IOException)
        {
            return 0;
        }

        long advised = 0;
        foreach (var line in maps)
        {
            if (Parse(line) is not { } mapping)
            {
                continue;
            }

            if (Madvise((nint)mapping.Start, (nuint)mapping.Length, MadvPageOut) == 0)
            {
                advised += mapping.Length;
            }
            else if (Marshal.GetLastPInvokeError() == 22)
            {
                // EINVAL: a kernel older than 5.4 knows no MADV_PAGEOUT; do not try again.
                Volatile.Write(ref s_unsupported, 1);
                return advised;
            }
        }

        return advised;
    }

    /// <summary>
    /// A line of <c>/proc/self/maps</c> (<c>start-end perms offset dev inode path</c>) as a mapping to page out: a file on disk
    /// mapped without write access. Anonymous memory, the stack, <c>[vdso]</c>, deleted files, devices and memfd (the JIT's
    /// double-mapped code) give null.
    /// </summary>
    public static (ulong Start, long Length)? Parse(string line)
    {
        var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 6 || parts[1].Length < 4 || parts[1][1] == 'w')
        {
            return null;
        }

        var path = parts[5].Trim();
        if (!path.StartsWith('/') || path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/memfd:", StringComparison.Ordinal)
            || path.EndsWith("(deleted)", StringComparison.Ordinal))
        {
            return null;
        }

        var range = parts[0].Split('-');
        return range.Length == 2
            && ulong.TryParse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
            && ulong.TryParse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
            && end > start
            ? (start, (long)(end - start))
            : null;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
