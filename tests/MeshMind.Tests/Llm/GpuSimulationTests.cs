using MeshMind.FakeOllama;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Llm;

/// <summary>
/// The simulated GPU host's cost model on a fake clock: slots and queue, the shared decode rate, prefill with the prefix
/// cache, loading and keep-alive, and the statistics. Figures are chosen so every expected time is exact.
/// </summary>
public sealed class GpuSimulationTests
{
    private const string Model = "llama3:latest";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A host with the model in memory, no load time, 10 tokens/s per stream whatever their number, prefill 1 ms a token.</summary>
    private static GpuOptions Linear(int slots, int maxQueue = 512) => new()
    {
        Slots = slots,
        MaxQueue = maxQueue,
        TokensPerSecond = 10,
        ScalingExponent = 1,
        PrefillTokensPerSecond = 1_000,
        LoadTime = TimeSpan.Zero,
    };

    private static GpuRequest Enqueue(GpuSimulation gpu, int tokens, string prompt = "", TimeSpan? keepAlive = null) =>
        gpu.TryEnqueue(new GpuWork(Model, prompt, tokens, KeepAlive: keepAlive)) ?? throw new InvalidOperationException("refused");

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void TryEnqueue_MoreRequestsThanSlots_ExtraOnesWaitAndTakeFreedSlotsInArrivalOrder()
    {
        var time = new FakeTimeProvider();
        var gpu = new GpuSimulation(Linear(slots: 2), time, [Model]);

        var a = Enqueue(gpu, 10); // 1 ms prefill + 1 s decode
        var b = Enqueue(gpu, 20); // 1 ms prefill + 2 s decode
        var c = Enqueue(gpu, 10);
        var d = Enqueue(gpu, 10);

        Assert.Equal((2, 2), (gpu.Active, gpu.Queued));
        Assert.Equal([GpuPhase.Prefilling, GpuPhase.Prefilling, GpuPhase.Queued, GpuPhase.Queued], new[] { a.Phase, b.Phase, c.Phase, d.Phase });

        time.Advance(Ms(1_001));
        Assert.Equal(GpuPhase.Done, a.Phase);
        Assert.NotEqual(GpuPhase.Queued, c.Phase);
        Assert.Equal(GpuPhase.Queued, d.Phase);

        time.Advance(Ms(1_000));
        Assert.Equal(GpuPhase.Done, b.Phase);
        Assert.NotEqual(GpuPhase.Queued, d.Phase);

        time.Advance(Ms(2_000));
        Assert.Equal(a.Statistics!.Total, c.Statistics!.Queued);
        Assert.Equal(b.Statistics!.Total, d.Statistics!.Queued);
        Assert.Equal(Ms(1_001), c.Statistics.Queued);
        Assert.Equal(Ms(2_001), d.Statistics.Queued);
        Assert.Equal((0, 0), (gpu.Active, gpu.Queued));
    }

    [Fact]
    public void TryEnqueue_QueueFull_RefusedUntilItHasRoomAgain()
    {
        var time = new FakeTimeProvider();
        var gpu = new GpuSimulation(Linear(slots: 1, maxQueue: 1), time, [Model]);

        var first = Enqueue(gpu, 10);
        var second = Enqueue(gpu, 10);
        var third = gpu.TryEnqueue(new GpuWork(Model, "", 10));

        Assert.Null(third);
        Assert.Equal(1, gpu.Rejected);
        Assert.Equal(GpuPhase.Queued, second.Phase);

        time.Advance(Ms(1_001));
        Assert.Equal(GpuPhase.Done, first.Phase);
        Assert.NotNull(gpu.TryEnqueue(new GpuWork(Model, "", 10)));
    }

    [Fact]
    public void Dispose_QueuedRequestGivesUp_NextOneMovesUp()
    {
        var time = new FakeTimeProvider();
        var gpu = new GpuSimulation(Linear(slots: 1), time, [Model]);
        var first = Enqueue(gpu, 10);
        var leaving = Enqueue(gpu, 10);
        var staying = Enqueue(gpu, 10);

        leaving.Dispose();
        first.Dispose();

        Assert.Equal(GpuPhase.Cancelled, leaving.Phase);
        Assert.Equal(GpuPhase.Prefilling, staying.Phase);
        Assert.Equal((1, 0), (gpu.Active, gpu.Queued));
    }

    [Fact]
    public void Decode_MoreStreams_EachSlowerButMoreInAll()
    {
        var options = new GpuOptions { Slots = 4, TokensPerSecond = 100, ScalingExponent = 0.5, PrefillTokensPerSecond = 1_000, LoadTime = TimeSpan.Zero };
        var each = new List<int>();
        var all = new List<int>();
        foreach (var streams in new[] { 1, 2, 4 })
        {
            var time = new FakeTimeProvider();
            var gpu = new GpuSimulation(options, time, [Model]);
            var requests = Enumerable.Range(0, streams).Select(_ => Enqueue(gpu, 1_000)).ToList();

            time.Advance(Ms(1 + 1_000)); // 1 ms prefill, then one second decoding together

            Assert.Single(requests.Select(r => r.TokensOut).Distinct());
            each.Add(requests[0].TokensOut);
            all.Add(requests.Sum(r => r.TokensOut));
        }

        // 100 × n^0.5 / n tokens/s each: 100, 70.7, 50; together 100, 141, 200.
        Assert.Equal([100, 70, 50], each);
        Assert.Equal([100, 140, 200], all);
        Assert.Equal(200, options.AggregateTokensPerSecond(4), precision: 9);
        Assert.Equal(50, options.StreamTokensPerSecond(4), precision: 9);
    }

    [Fact]
    public void Decode_StreamJoins_RateSharedFromThatMomentOn()
    {
        var time = new FakeTimeProvider();
        var options = new GpuOptions { Slots = 2, TokensPerSecond = 100, ScalingExponent = 0, PrefillTokensPerSecond = 1_000, LoadTime = TimeSpan.Zero };
        var gpu = new GpuSimulation(options, time, [Model]);
        var first = Enqueue(gpu, 1_000);
        time.Advance(Ms(1_001));
        Assert.Equal(100, first.TokensOut);

        var second = Enqueue(gpu, 1_000);
        time.Advance(Ms(1 + 1_000));

        // Alone during the newcomer's 1 ms prefill (0.1 token), then 50 tokens/s each: the aggregate stays 100 (exponent 0).
        Assert.Equal(150, first.TokensOut);
        Assert.Equal(50, second.TokensOut);
    }

    [Fact]
    public void Statistics_OneSlot_ExactlyTheScheduleWithTheFirstTokenAfterPrefillAndOneTokenTime()
    {
        var time = new FakeTimeProvider();
        var gpu = new GpuSimulation(Linear(slots: 1), time, [Model]);
        var first = Enqueue(gpu, 5, prompt: new string('a', 40)); // 10 prompt tokens: 10 ms, then 5 tokens: 500 ms
        var second = Enqueue(gpu, 3, prompt: new string('b', 8)); // waits 510 ms, 2 prompt tokens: 2 ms, then 300 ms

        time.Advance(Ms(510 + 2 + 100) - TimeSpan.FromTicks(1));
        Assert.Equal(0, second.TokensOut);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, second.TokensOut);
        time.Advance(Ms(200));

        Assert.Equal(new GpuStatistics(TimeSpan.Zero, TimeSpan.Zero, 10, Ms(10), 5, Ms(500)), first.Statistics);
        Assert.Equal(new GpuStatistics(Ms(510), TimeSpan.Zero, 2, Ms(2), 3, Ms(300)), second.Statistics);
        Assert.Equal(Ms(812), second.Statistics!.Total);
    }

    [Fact]
    public void Prefill_FollowUpOnSameHost_OnlyItsNewTokensProcessed()
    {
        var time = new FakeTimeProvider();
        var options = Linear(slots: 1);
        options.PrefillTokensPerSecond = 100;
        var gpu = new GpuSimulation(options, time, [Model]);
        var question = new string('q', 400);
        var answered = question + new string('A', 40);
        var first = gpu.TryEnqueue(new GpuWork(Model, question, 2, answered))!;
        time.Advance(TimeSpan.FromSeconds(10));

        var followUp = gpu.TryEnqueue(new GpuWork(Model, answered + new string('f', 80), 2))!;
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal((100, TimeSpan.FromSeconds(1)), (first.Statistics!.PromptEvalCount, first.Statistics.PromptEval));
        Assert.Equal((20, Ms(200)), (followUp.Statistics!.PromptEvalCount, followUp.Statistics.PromptEval)); // the 80 new characters
    }

    [Fact]
    public void Prefill_AnotherConversationThatMerelyStartsAlike_GetsAnEntryOfItsOwn_TheFirstKeepsItsCache()
    {
        var time = new FakeTimeProvider();
        var options = Linear(slots: 1);
        options.PrefixCacheEntries = 2;
        var gpu = new GpuSimulation(options, time, [Model]);
        // Both begin "user: " as rendered chats do; only a prompt that continues a cached one may take its entry over.
        var first = "user: " + new string('a', 394);
        var other = "user: " + new string('b', 394);
        Enqueue(gpu, 2, prompt: first);
        Enqueue(gpu, 2, prompt: other);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([other, first], gpu.CachedPrompts());

        var followUp = Enqueue(gpu, 2, prompt: first + new string('f', 80));
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(20, followUp.Statistics!.PromptEvalCount); // the 80 new characters
        Assert.Equal([first + new string('f', 80), other], gpu.CachedPrompts());
    }

    [Fact]
    public void Prefill_CacheTakenByOtherConversations_FollowUpPaysForItAll()
    {
        var time = new FakeTimeProvider();
        var options = Linear(slots: 1);
        options.PrefixCacheEntries = 1;
        var gpu = new GpuSimulation(options, time, [Model]);
        var question = new string('q', 400);
        Enqueue(gpu, 2, prompt: question);
        Enqueue(gpu, 2, prompt: new string('x', 400));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([new string('x', 400)], gpu.CachedPrompts());

        var followUp = Enqueue(gpu, 2, prompt: question + new string('f', 80));
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(120, followUp.Statistics!.PromptEvalCount);
    }

    [Fact]
    public void Load_ModelNotInMemory_OneLoadServesEveryoneWaitingThenNoMore()
    {
        var time = new FakeTimeProvider();
        var options = Linear(slots: 2);
        options.LoadTime = TimeSpan.FromSeconds(3);
        var gpu = new GpuSimulation(options, time, loaded: []);

        var first = Enqueue(gpu, 1);
        time.Advance(TimeSpan.FromSeconds(1));
        var joining = Enqueue(gpu, 1);
        time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.Equal((GpuPhase.Loading, GpuPhase.Loading, false), (first.Phase, joining.Phase, gpu.IsLoaded(Model)));

        time.Advance(TimeSpan.FromSeconds(1));
        var later = Enqueue(gpu, 1);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(gpu.IsLoaded(Model));
        Assert.Equal(TimeSpan.FromSeconds(3), first.Statistics!.Load);
        Assert.Equal(TimeSpan.FromSeconds(2), joining.Statistics!.Load);
        Assert.Equal(TimeSpan.Zero, later.Statistics!.Load);
    }

    [Fact]
    public void KeepAlive_AfterLastRequest_ModelUnloadsAndTheNextRequestLoadsItAgain()
    {
        var time = new FakeTimeProvider();
        var options = Linear(slots: 1);
        options.LoadTime = TimeSpan.FromSeconds(2);
        var gpu = new GpuSimulation(options, time, [Model]);
        var start = time.GetUtcNow();
        var first = Enqueue(gpu, 10, prompt: "abcd"); // 1 ms prefill, 1 s decode

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([new GpuLoadedModel(Model, start + Ms(1_001) + TimeSpan.FromMinutes(5))], gpu.LoadedModels());
        Assert.Equal(GpuPhase.Done, first.Phase);

        time.Advance(TimeSpan.FromMinutes(5) - Ms(999) - TimeSpan.FromTicks(1));
        Assert.True(gpu.IsLoaded(Model));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Empty(gpu.LoadedModels());
    }

    [Fact]
    public void KeepAlive_Unloaded_NextRequestPaysTheLoadAndFindsNoCache()
    {
        var time = new FakeTimeProvider();
        var options = Linear(slots: 1);
        options.LoadTime = TimeSpan.FromSeconds(2);
        options.KeepAlive = TimeSpan.FromMinutes(1);
        var gpu = new GpuSimulation(options, time, [Model]);
        Enqueue(gpu, 1, prompt: new string('q', 40));
        time.Advance(TimeSpan.FromMinutes(2));

        var again = Enqueue(gpu, 1, prompt: new string('q', 40));
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(2), again.Statistics!.Load);
        Assert.Equal(10, again.Statistics.PromptEvalCount);
    }

    [Fact]
    public void KeepAlive_RequestsOwn_ZeroUnloadsAtOnceNegativeNever()
    {
        var time = new FakeTimeProvider();
        var gpu = new GpuSimulation(Linear(slots: 1), time, [Model]);

        Enqueue(gpu, 1, keepAlive: TimeSpan.Zero);
        time.Advance(Ms(200));
        Assert.Empty(gpu.LoadedModels());

        Enqueue(gpu, 1, keepAlive: OllamaDuration.Forever);
        time.Advance(TimeSpan.FromDays(365));
        Assert.Equal(DateTimeOffset.MaxValue, Assert.Single(gpu.LoadedModels()).ExpiresAt);
    }

    [Fact]
    public async Task WaitForTokensAsync_ClockPassesSeveralTokens_ReturnsEveryTokenOut()
    {
        var time = new FakeTimeProvider();
        var gpu = new GpuSimulation(Linear(slots: 1), time, [Model]);
        var request = Enqueue(gpu, 10);

        var wait = request.WaitForTokensAsync(1, Ct).AsTask();
        time.Advance(Ms(100));
        Assert.False(wait.IsCompleted);

        time.Advance(Ms(350)); // 1 ms prefill, then 4.49 tokens' time
        Assert.Equal(4, await wait.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task WaitForTokensAsync_RequestAhead_WaitsThroughItsQueueTime()
    {
        var time = new FakeTimeProvider();
        var gpu = new GpuSimulation(Linear(slots: 1), time, [Model]);
        Enqueue(gpu, 10);
        var queued = Enqueue(gpu, 10);

        var wait = queued.WaitForTokensAsync(10, Ct).AsTask();
        time.Advance(Ms(1_001));
        Assert.False(wait.IsCompleted);
        time.Advance(Ms(1_001));

        Assert.Equal(10, await wait.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(GpuPhase.Done, queued.Phase);
    }

    [Theory]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    [InlineData("-1m", -1_000)]
    public void OllamaDuration_GoDurations_Parsed(string text, double milliseconds)
    {
        Assert.True(OllamaDuration.TryParse(text, out var value));
        Assert.Equal(Ms(milliseconds), value);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("5 m")]
    [InlineData("")]
    public void OllamaDuration_NotADuration_Refused(string text) => Assert.False(OllamaDuration.TryParse(text, out _));

    [Fact]
    public void Constructor_NoSlots_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GpuSimulation(new GpuOptions { Slots = 0 }, TimeProvider.System));
}
