using MeshMind.FakeOllama;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Llm;

/// <summary>The fixture's fixed-rate pacing: a schedule, so a late wake-up sends every token that came due meanwhile.</summary>
public sealed class TokenScheduleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void DueAt_ThousandPerSecond_OneMillisecondApart()
    {
        var schedule = new TokenSchedule(1000, new FakeTimeProvider());

        Assert.Equal(TimeSpan.Zero, schedule.DueAt(0));
        Assert.Equal(TimeSpan.FromMilliseconds(1), schedule.DueAt(1));
        Assert.Equal(TimeSpan.FromMilliseconds(1999), schedule.DueAt(1999));
    }

    [Fact]
    public async Task WaitForAsync_FirstToken_DueAtOnce()
    {
        var schedule = new TokenSchedule(1000, new FakeTimeProvider());

        var wait = schedule.WaitForAsync(0, Ct);

        Assert.True(wait.IsCompleted);
        Assert.Equal(1, await wait);
    }

    [Fact]
    public async Task WaitForAsync_WokenLate_ReturnsEveryTokenDueMeanwhile()
    {
        var time = new FakeTimeProvider();
        var schedule = new TokenSchedule(1000, time);

        var wait = schedule.WaitForAsync(1, Ct).AsTask();
        time.Advance(TimeSpan.FromTicks(9_999));
        Assert.False(wait.IsCompleted);

        // The timer fires 4.5 ms late: tokens 1 to 5 (due at 1, 2, 3, 4, 5 ms) are all due now.
        time.Advance(TimeSpan.FromMilliseconds(4.5) + TimeSpan.FromTicks(1));
        Assert.Equal(6, await wait);
        Assert.Equal(6, schedule.Due());
    }

    [Fact]
    public async Task WaitForAsync_TokenAlreadyDue_DoesNotWait()
    {
        var time = new FakeTimeProvider();
        var schedule = new TokenSchedule(20_000, time);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var wait = schedule.WaitForAsync(3, Ct);

        Assert.True(wait.IsCompleted);
        Assert.Equal(21, await wait);
    }

    [Fact]
    public void Constructor_RateNotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSchedule(0, TimeProvider.System));
    }
}
