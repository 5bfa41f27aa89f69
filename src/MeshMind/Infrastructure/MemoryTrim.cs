namespace MeshMind.Infrastructure;

/// <summary>
/// Gives the memory a burst of work grew (start-up, a thousand chats at once) back to the system once the node is quiet
/// again. The node runs the workstation GC without its background mode, which keeps the heap it committed: after start-up
/// the Native AOT node held 9 MiB of heap for 3 MiB live, and its RSS fell from 57.7 to 52.6 MB after one trim. When
/// <see cref="TrimPolicy"/> says so, one aggressive collection (blocking, compacting, decommitting) brings the process's
/// memory back near what is live, and <see cref="ImagePageOut"/> hands back the executable's pages that only start-up used.
/// </summary>
internal sealed partial class MemoryTrim(TimeProvider time, ILogger<MemoryTrim> logger) : BackgroundService
{
    /// <summary>How often the heap is looked at; a trim comes one or two of these after the work stops.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private const long MiB = 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = new TrimPolicy();
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var reading = HeapReading.Now();
            if (policy.ShouldTrim(reading))
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var pagedOut = ImagePageOut.Run();
                var after = HeapReading.Now();
                policy.Trimmed(after.Allocated);
                LogTrimmed(reading.Committed / MiB, after.Committed / MiB, after.HeapSize / MiB, pagedOut / MiB);
            }
        }
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Debug,
        Message = "The node is quiet: heap trimmed from {Before} MiB committed to {After} MiB ({Live} MiB in use); {Mapped} MiB of mapped files advised out")]
    private partial void LogTrimmed(long before, long after, long live, long mapped);
}

/// <summary>What the GC reports: bytes allocated since the process started, and, as of the last collection, the heap's committed memory and its size.</summary>
internal readonly record struct HeapReading(long Allocated, long Committed, long HeapSize)
{
    public static HeapReading Now()
    {
        var info = GC.GetGCMemoryInfo();
        return new HeapReading(GC.GetTotalAllocatedBytes(), info.TotalCommittedBytes, info.HeapSizeBytes);
    }
}

/// <summary>
/// When <see cref="MemoryTrim"/> collects: the node allocated less than <paramref name="quietBytes"/> since the last
/// reading (it is quiet), the GC holds at least <paramref name="slackBytes"/> more than the heap's size (there is something
/// to give back), and the node allocated at least <paramref name="workBytes"/> since the last trim (it did work since then),
/// so an idle node is trimmed once after each burst, not at every reading.
/// </summary>
internal sealed class TrimPolicy(long quietBytes = 2 * 1024 * 1024, long slackBytes = 4 * 1024 * 1024, long workBytes = 8 * 1024 * 1024)
{
    private long? _lastAllocated;
    private long _allocatedAtTrim;

    public bool ShouldTrim(HeapReading reading)
    {
        var previous = _lastAllocated;
        _lastAllocated = reading.Allocated;
        if (previous is not { } last)
        {
            return false; // the first reading: how fast the node allocates is not known yet
        }

        var quiet = reading.Allocated - last < quietBytes;
        var worked = reading.Allocated - _allocatedAtTrim >= workBytes;
        var slack = reading.Committed - reading.HeapSize >= slackBytes;
        return quiet && worked && slack;
    }

    /// <summary>A trim happened; <paramref name="allocated"/> is the allocation count after it.</summary>
    public void Trimmed(long allocated)
    {
        _allocatedAtTrim = allocated;
        _lastAllocated = allocated;
    }
}
