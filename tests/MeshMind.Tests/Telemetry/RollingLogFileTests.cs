using MeshMind.Telemetry;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Telemetry;

/// <summary>The size-capped log file behind <c>--log-file</c>: rotation, the cap, and the line format.</summary>
public sealed class RollingLogFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Append_PastTheLimit_RotatesAndKeepsAtMostCountFilesEachWithinTheLimit()
    {
        var path = _dir.Combine("logs", "meshmind.log");
        using (var file = new RollingLogFile(path, maxBytes: 1024, count: 3))
        {
            for (var i = 0; i < 200; i++)
            {
                file.Append($"entry {i:D3} {new string('x', 40)}\n");
            }

            Assert.Equal(0, file.Dropped);
        }

        Assert.True(File.Exists(path));
        Assert.True(File.Exists(path + ".1"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"), "only 3 files in all are kept");
        foreach (var generation in RollingLogFile.Generations(path, 3))
        {
            Assert.InRange(new FileInfo(generation).Length, 1, 1024);
        }

        // Newest entries in FILE, the ones just before in FILE.1, and nothing lost in between.
        var current = File.ReadAllLines(path);
        var previous = File.ReadAllLines(path + ".1");
        Assert.Equal("entry 199", current[^1][..9]);
        var lastOfPrevious = int.Parse(previous[^1][6..9], System.Globalization.CultureInfo.InvariantCulture);
        var firstOfCurrent = int.Parse(current[0][6..9], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(lastOfPrevious + 1, firstOfCurrent);
    }

    [Fact]
    public void Append_ReopenedFile_ContinuesWhereItWas()
    {
        var path = _dir.Combine("meshmind.log");
        using (var file = new RollingLogFile(path, 64 * 1024, 2))
        {
            file.Append("first\n");
        }

        using (var file = new RollingLogFile(path, 64 * 1024, 2))
        {
            file.Append("second\n");
        }

        Assert.Equal(["first", "second"], File.ReadAllLines(path));
    }

    [Fact]
    public void Append_EntryLongerThanTheCap_IsCut()
    {
        var path = _dir.Combine("meshmind.log");
        using (var file = new RollingLogFile(path, 1024 * 1024, 2))
        {
            file.Append(new string('y', RollingLogFile.MaxEntryBytes * 3) + "\n");
        }

        var text = File.ReadAllText(path);
        Assert.Equal(RollingLogFile.MaxEntryBytes, System.Text.Encoding.UTF8.GetByteCount(text));
        Assert.EndsWith("… (cut)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DirectoryUnderAFile_Throws()
    {
        File.WriteAllText(_dir.Combine("plain"), "");

        Assert.ThrowsAny<IOException>(() => new RollingLogFile(_dir.Combine("plain", "meshmind.log"), 1024, 1));
    }

    [Fact]
    public void Provider_WritesOneLinePerEntryWithUtcTimeLevelCategoryAndEventId()
    {
        var path = _dir.Combine("meshmind.log");
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 31, 12, 0, 0, 250, TimeSpan.Zero));
        using (var provider = new FileLoggerProvider(new RollingLogFile(path, 64 * 1024, 2), time))
        {
            var logger = provider.CreateLogger("MeshMind.Test");
#pragma warning disable CA1848, CA2254 // a test of the provider itself, not of a message
            logger.Log(LogLevel.Warning, new EventId(42), "two\nlines", null, (s, _) => s);
            logger.Log(LogLevel.Error, new EventId(7), "failed", new InvalidOperationException("boom"), (s, _) => s);
#pragma warning restore CA1848, CA2254
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal("2025-01-31T12:00:00.250Z warn MeshMind.Test[42] two", lines[0]);
        Assert.Equal("  lines", lines[1]);
        Assert.Equal("2025-01-31T12:00:00.250Z fail MeshMind.Test[7] failed", lines[2]);
        Assert.StartsWith("  System.InvalidOperationException: boom", lines[3], StringComparison.Ordinal);
    }
}
