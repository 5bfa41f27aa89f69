using System.IO.MemoryMappedFiles;
using MeshMind.Infrastructure;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Infrastructure;

public sealed class ImagePageOutTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("7f1c2a000000-7f1c2a400000 r-xp 00000000 08:01 1234 /opt/meshmind/meshmind", 0x7f1c2a000000UL, 0x400000L)]
    [InlineData("00400000-00452000 r--p 00000000 08:01 77 /usr/lib/x86_64-linux-gnu/libcrypto.so.3", 0x400000UL, 0x52000L)]
    [InlineData("7f00-8f00 r--s 00000000 08:01 77 /tmp/dir with spaces/file name.bin", 0x7f00UL, 0x1000L)]
    public void Parse_AFileMappedWithoutWriteAccess_IsPagedOut(string line, ulong start, long length) =>
        Assert.Equal((start, length), ImagePageOut.Parse(line));

    [Theory]
    [InlineData("7f1c2a000000-7f1c2a400000 rw-p 00000000 08:01 1234 /opt/meshmind/meshmind")] // written: anonymous copies
    [InlineData("7f1c2a000000-7f1c2a400000 rw-p 00000000 00:00 0 ")] // heap
    [InlineData("7ffd0000-7ffd2000 rw-p 00000000 00:00 0 [stack]")]
    [InlineData("7ffd0000-7ffd2000 r-xp 00000000 00:00 0 [vdso]")]
    [InlineData("7f00-8f00 r-xp 00000000 00:01 9 /memfd:doublemapper (deleted)")]
    [InlineData("7f00-8f00 r--p 00000000 08:01 9 /opt/old/meshmind (deleted)")]
    [InlineData("7f00-8f00 r--s 00000000 00:05 9 /dev/dri/card0")]
    [InlineData("not a maps line")]
    [InlineData("")]
    public void Parse_AnythingElse_IsLeftAlone(string line) => Assert.Null(ImagePageOut.Parse(line));

    /// <summary>A file only this test maps and reads: resident after the reads, out of the process after the page-out.</summary>
    [Fact]
    public void Run_OnLinux_MappedFilePagesLeaveTheProcess_AndReadAgainTheSame()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("madvise(MADV_PAGEOUT) is Linux's.");
        }

        var path = _dir.Combine("mapped.bin");
        var content = new byte[4 * 1024 * 1024];
        new Random(7).NextBytes(content);
        File.WriteAllBytes(path, content);
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, content.Length, MemoryMappedFileAccess.Read);
        long sum = 0;
        for (var offset = 0; offset < content.Length; offset += 4096)
        {
            sum += view.ReadByte(offset);
        }

        var before = ResidentKiB(path);
        var advised = ImagePageOut.Run();
        var after = ResidentKiB(path);

        Assert.True(before >= 4000, $"the mapping should be resident after reading it: {before} KiB");
        Assert.True(advised >= content.Length, $"advised {advised} bytes");
        Assert.True(after < before / 4, $"resident {before} KiB before, {after} KiB after");
        long again = 0;
        for (var offset = 0; offset < content.Length; offset += 4096)
        {
            again += view.ReadByte(offset);
        }

        Assert.Equal(sum, again);
    }

    /// <summary>The Rss of <paramref name="path"/>'s mappings in /proc/self/smaps.</summary>
    private static long ResidentKiB(string path)
    {
        long total = 0;
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (System.Text.RegularExpressions.Regex.IsMatch(line, "^[0-9a-f]+-[0-9a-f]+ "))
            {
                var head = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                inside = head.Length == 6 && head[5].Trim() == path;
            }
            else if (inside && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
