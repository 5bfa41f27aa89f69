using MeshMind.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Infrastructure;

/// <summary>The wake-up of the link manager's dial loop and the discovery announcer: the tick or a set, whichever is first.</summary>
public sealed class WakeSignalTests
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(500);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitAsync_TickPasses_ReturnsFalse()
    {
        var time = new FakeTimeProvider();
        using var signal = new WakeSignal();

        var wait = signal.WaitAsync(s_tick, time, Ct);
        time.Advance(s_tick - TimeSpan.FromTicks(1));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));

        Assert.False(await wait);
    }

    [Fact]
    public async Task WaitAsync_SetWhileWaiting_ReturnsTrueBeforeTheTick()
    {
        var time = new FakeTimeProvider();
        using var signal = new WakeSignal();

        var wait = signal.WaitAsync(s_tick, time, Ct);
        Assert.False(wait.IsCompleted);
        signal.Set();

        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitAsync_SetWhileNobodyWaits_KeptOnceForTheNextWait()
    {
        var time = new FakeTimeProvider();
        using var signal = new WakeSignal();

        signal.Set();
        signal.Set();

        Assert.True(await signal.WaitAsync(s_tick, time, Ct));
        var second = signal.WaitAsync(s_tick, time, Ct);
        Assert.False(second.IsCompleted);
        time.Advance(s_tick);
        Assert.False(await second);
    }

    [Fact]
    public async Task WaitAsync_AfterTicks_StillWokenBySet()
    {
        var time = new FakeTimeProvider();
        using var signal = new WakeSignal();
        for (var round = 0; round < 3; round++)
        {
            var tick = signal.WaitAsync(s_tick, time, Ct);
            time.Advance(s_tick);
            Assert.False(await tick);
        }

        var wait = signal.WaitAsync(s_tick, time, Ct);
        signal.Set();

        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitAsync_Stopping_Throws()
    {
        var time = new FakeTimeProvider();
        using var signal = new WakeSignal();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var tick = signal.WaitAsync(s_tick, time, stopping.Token);
        time.Advance(s_tick);
        Assert.False(await tick);

        var wait = signal.WaitAsync(s_tick, time, stopping.Token);
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public void Set_AfterDispose_DoesNotThrow()
    {
        var signal = new WakeSignal();
        signal.Dispose();

        signal.Set();
    }
}
