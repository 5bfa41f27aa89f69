using MeshMind.Infrastructure.Blocks;

namespace MeshMind.Tests.Infrastructure;

/// <summary>The shared queue of block ranges that several sources of one transfer take from and give back to.</summary>
public sealed class BlockScheduleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A list of <paramref name="blocks"/> blocks of 4 KiB; the hashes do not matter to the schedule.</summary>
    private static BlockList List(int blocks, int lastBlockBytes = 4096) =>
        new((blocks - 1) * 4096L + lastBlockBytes, 4096, [.. Enumerable.Repeat(new string('0', 64), blocks)]);

    private static async Task<List<BlockRange>> DrainAsync(BlockSchedule schedule)
    {
        var ranges = new List<BlockRange>();
        while (!schedule.IsComplete && await schedule.TakeAsync(Ct) is { } range)
        {
            ranges.Add(range);
            for (var i = range.First; i < range.End; i++)
            {
                schedule.Done(i);
            }
        }

        return ranges;
    }

    [Fact]
    public async Task Take_HandsOutRangesOfAtMostTheRangeSize_CoveringEveryBlockOnce()
    {
        var schedule = new BlockSchedule(List(20, lastBlockBytes: 100), done: null, rangeBlocks: 8);

        var ranges = await DrainAsync(schedule);

        Assert.Equal([new BlockRange(0, 8), new BlockRange(8, 8), new BlockRange(16, 4)], ranges);
        Assert.True(schedule.IsComplete);
        Assert.Equal(19 * 4096L + 100, schedule.DoneBytes);
        Assert.Null(await schedule.TakeAsync(Ct));
    }

    [Fact]
    public async Task New_WithBlocksAlreadyDone_SkipsThem_AndSplitsRangesAroundThem()
    {
        var schedule = new BlockSchedule(List(10), done: [0, 1, 4, 9], rangeBlocks: 3);

        var ranges = await DrainAsync(schedule);

        Assert.Equal([new BlockRange(2, 2), new BlockRange(5, 3), new BlockRange(8, 1)], ranges);
        Assert.Equal(4 * 4096L, new BlockSchedule(List(10), done: [0, 1, 4, 9], rangeBlocks: 3).DoneBytes);
    }

    [Fact]
    public async Task New_EveryBlockDone_TakeAnswersNullAtOnce()
    {
        var schedule = new BlockSchedule(List(3), done: [0, 1, 2], rangeBlocks: 8);

        Assert.True(schedule.IsComplete);
        Assert.Null(await schedule.TakeAsync(Ct));
    }

    [Fact]
    public async Task Return_GivesBackOnlyTheBlocksNotDone_ForAnotherSourceToTake()
    {
        var schedule = new BlockSchedule(List(8), done: null, rangeBlocks: 8);
        var first = (await schedule.TakeAsync(Ct))!.Value;
        schedule.Done(0);
        schedule.Done(1);

        schedule.Return(first);

        Assert.Equal(new BlockRange(2, 6), await schedule.TakeAsync(Ct));
        Assert.False(schedule.IsComplete);
    }

    [Fact]
    public async Task Take_WhileEveryRangeIsOut_WaitsForOneGivenBack_OrForTheEnd()
    {
        var schedule = new BlockSchedule(List(4), done: null, rangeBlocks: 2);
        var a = (await schedule.TakeAsync(Ct))!.Value;
        var b = (await schedule.TakeAsync(Ct))!.Value;

        var waiting = schedule.TakeAsync(Ct).AsTask();
        Assert.False(waiting.IsCompleted);
        schedule.Return(b); // b's source failed before any of its blocks came in.
        Assert.Equal(b, await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct));

        var last = schedule.TakeAsync(Ct).AsTask();
        Assert.False(last.IsCompleted);
        foreach (var i in new[] { a.First, a.First + 1, b.First, b.First + 1 })
        {
            schedule.Done(i);
        }

        Assert.Null(await last.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public void DoneBitmap_RoundTrips_AndABitmapOfTheWrongSizeMeansNothingIsDone()
    {
        var schedule = new BlockSchedule(List(11), done: [0, 3, 8, 10], rangeBlocks: 4);

        var bitmap = schedule.DoneBitmap();

        Assert.Equal(2, bitmap.Length);
        Assert.Equal([0, 3, 8, 10], BlockSchedule.FromBitmap(bitmap, 11));
        Assert.Empty(BlockSchedule.FromBitmap(bitmap, 17));
    }
}
