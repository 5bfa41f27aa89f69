using MeshMind.Infrastructure;

namespace MeshMind.Tests.Infrastructure;

public sealed class TrimPolicyTests
{
    private const long MiB = 1024 * 1024;

    private static HeapReading Reading(long allocatedMiB, long committedMiB, long heapMiB) => new(allocatedMiB * MiB, committedMiB * MiB, heapMiB * MiB);

    [Fact]
    public void QuietAfterStartUp_WithSlack_Trims()
    {
        var policy = new TrimPolicy();
        Assert.False(policy.ShouldTrim(Reading(23, 25, 8))); // the first reading: no rate yet
        Assert.True(policy.ShouldTrim(Reading(24, 25, 8)));
    }

    [Fact]
    public void NativeAotStartUp_AsMeasured_Trims()
    {
        // The AOT node 10 and 20 s after start: 14 MiB allocated, 9 MiB committed for a heap of 3 MiB.
        var policy = new TrimPolicy();
        policy.ShouldTrim(new HeapReading(14_399 * 1024L, 9_076 * 1024L, 2_762 * 1024L));
        Assert.True(policy.ShouldTrim(new HeapReading(14_455 * 1024L, 9_076 * 1024L, 2_762 * 1024L)));
    }

    [Fact]
    public void StillBusy_DoesNotTrim()
    {
        var policy = new TrimPolicy();
        policy.ShouldTrim(Reading(23, 25, 8));
        Assert.False(policy.ShouldTrim(Reading(40, 60, 30))); // 17 MiB since the last reading
        Assert.False(policy.ShouldTrim(Reading(43, 60, 30))); // 3 MiB in one reading: still working
        Assert.True(policy.ShouldTrim(Reading(44, 60, 30)));
    }

    [Fact]
    public void LittleSlack_DoesNotTrim()
    {
        var policy = new TrimPolicy();
        policy.ShouldTrim(Reading(23, 11, 8));
        Assert.False(policy.ShouldTrim(Reading(24, 11, 8))); // 3 MiB to give back: not worth a full collection
    }

    [Fact]
    public void IdleAfterATrim_TrimsOnlyOnce_ThenAgainAfterWork()
    {
        var policy = new TrimPolicy();
        policy.ShouldTrim(Reading(23, 25, 8));
        Assert.True(policy.ShouldTrim(Reading(24, 25, 8)));
        policy.Trimmed(24 * MiB);

        // Idle: a little allocation each reading, and the GC still reports slack until its next collection.
        Assert.False(policy.ShouldTrim(Reading(25, 25, 8)));
        Assert.False(policy.ShouldTrim(Reading(26, 25, 8)));

        // A burst of chats, then quiet again: one more trim.
        Assert.False(policy.ShouldTrim(Reading(300, 320, 90)));
        Assert.True(policy.ShouldTrim(Reading(301, 320, 90)));
    }

    [Fact]
    public void FewMegabytesAllocatedSinceTheTrim_IsNoWork()
    {
        var policy = new TrimPolicy();
        policy.Trimmed(100 * MiB);
        policy.ShouldTrim(Reading(104, 40, 10));
        Assert.False(policy.ShouldTrim(Reading(105, 40, 10))); // 5 MiB since the trim: under the 8 MiB of work
    }
}
