using MeshMind.Llm;
using MeshMind.Llm.Routing;
using MeshMind.Llm.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Llm;

/// <summary>The cost model, turn-taking, and the scheduler's placing of chats (issue 17), on a fake clock.</summary>
public sealed class CostModelTests
{
    private static HostView Host(int slots, int busy, double decode, double prefill = 1_000, double load = 0, double soonest = 0, bool sticky = false) =>
        new(slots, busy, load, prefill, decode, decode, soonest, sticky);

    [Fact]
    public void FreeSlot_StartsAtOnce_LoadPromptAndTokens()
    {
        var estimate = CostModel.Estimate(Host(2, 1, decode: 50, prefill: 500, load: 3), new RequestShape(1_000, 10, 100), ahead: 0);

        Assert.Equal(0, estimate.Wait);
        Assert.Equal(3, estimate.Load);
        Assert.Equal(2, estimate.Prefill, 6);
        Assert.Equal(2, estimate.Decode, 6);
        Assert.Equal(7, estimate.Total, 6);
    }

    [Fact]
    public void FullHost_WaitsForItsSoonestSlot_ThenOneServicePerSlotForEachChatAhead()
    {
        var shape = new RequestShape(100, 100, 100);
        var alone = CostModel.Estimate(Host(2, 2, decode: 50, prefill: 100, soonest: 1.5), shape, ahead: 0);
        var third = CostModel.Estimate(Host(2, 2, decode: 50, prefill: 100, soonest: 1.5), shape, ahead: 2);

        // Service: 1 s of prompt + 2 s of tokens; two slots share the ones ahead.
        Assert.Equal(1.5, alone.Wait, 6);
        Assert.Equal(1.5 + (2 * 3.0 / 2), third.Wait, 6);
        Assert.Equal(third.Wait + 3, third.Total, 6);
    }

    [Fact]
    public void StickyHost_ProcessesOnlyTheNewTokens()
    {
        var shape = new RequestShape(PromptTokens: 4_000, NewTokens: 40, OutputTokens: 10);
        var elsewhere = CostModel.Estimate(Host(1, 0, decode: 100, prefill: 1_000), shape, 0);
        var sticky = CostModel.Estimate(Host(1, 0, decode: 100, prefill: 1_000, sticky: true), shape, 0);

        Assert.Equal(4, elsewhere.Prefill, 6);
        Assert.Equal(0.04, sticky.Prefill, 6);
    }

    [Fact]
    public void HostStats_ScaleFromTheNearestMeasuredCount_AndPreferAMeasuredOne()
    {
        var stats = new HostModelStats();
        Assert.Null(stats.DecodeTokensPerSecond(1));
        stats.Observe(new LlmResult { EvalCount = 100, EvalDuration = 1_000_000_000 }, concurrency: 4, DateTimeOffset.UnixEpoch);

        Assert.Equal(100, stats.DecodeTokensPerSecond(4)!.Value, 6);
        Assert.Equal(200, stats.DecodeTokensPerSecond(1)!.Value, 6); // √(4/1) faster alone
        stats.Observe(new LlmResult { EvalCount = 100, EvalDuration = 500_000_000 }, concurrency: 1, DateTimeOffset.UnixEpoch);
        Assert.Equal(200, stats.DecodeTokensPerSecond(1)!.Value, 6);
        Assert.Equal(100, stats.DecodeTokensPerSecond(4)!.Value, 6);
    }

    [Fact]
    public void HostStats_CountOnlyARealLoad_AndEnoughPromptToMeasure()
    {
        var stats = new HostModelStats();
        stats.Observe(new LlmResult { LoadDuration = 5_000_000, PromptEvalCount = 3, PromptEvalDuration = 1_000 }, 1, DateTimeOffset.UnixEpoch);
        Assert.Null(stats.LoadSeconds);
        Assert.Null(stats.PrefillTokensPerSecond);

        stats.Observe(new LlmResult { LoadDuration = 4_000_000_000, PromptEvalCount = 500, PromptEvalDuration = 250_000_000 }, 1, DateTimeOffset.UnixEpoch);
        Assert.Equal(4, stats.LoadSeconds!.Value, 6);
        Assert.Equal(2_000, stats.PrefillTokensPerSecond!.Value, 6);
    }
}

public sealed class FairQueueTests
{
    [Fact]
    public void ClientsTakeTurns_OneWithManyWaitingDelaysAnotherByOneOfItsOwn()
    {
        var queue = new FairQueue<string>();
        foreach (var i in Enumerable.Range(1, 5))
        {
            queue.Enqueue("greedy", $"g{i}");
        }

        queue.Enqueue("polite", "p1");
        queue.Enqueue("other", "o1");

        Assert.Equal(["g1", "p1", "o1", "g2", "g3", "g4", "g5"], queue.Ordered());

        // g1 is served: the turn passes to the next client.
        Assert.True(queue.Remove("greedy", "g1", served: true));
        Assert.Equal(["p1", "o1", "g2", "g3", "g4", "g5"], queue.Ordered());
        Assert.True(queue.Remove("polite", "p1", served: true));
        Assert.Equal(["o1", "g2", "g3", "g4", "g5"], queue.Ordered());
    }

    [Fact]
    public void SentAgainAfterAFailure_GoesBeforeAll_AndRemovingWhatIsNotThereSaysSo()
    {
        var queue = new FairQueue<string>();
        queue.Enqueue("a", "a1");
        queue.Enqueue("b", "retry", first: true);

        Assert.Equal(["retry", "a1"], queue.Ordered());
        Assert.False(queue.Remove("a", "nothing", served: false));
        Assert.True(queue.Remove("b", "retry", served: true));
        Assert.Equal(1, queue.Count);
    }
}

public sealed class LlmSchedulerTests
{
    private const string Model = "m:latest";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeSlots _slots = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LlmScheduler Scheduler(Action<LlmOptions>? configure = null)
    {
        var options = new LlmOptions();
        configure?.Invoke(options);
        return new LlmScheduler(_slots, Options.Create(options), _time, NullLogger<LlmScheduler>.Instance);
    }

    private static LlmCandidate Host(string id, int slots, bool loaded = true) =>
        new(new LlmHost(id, id, "10.0.0.1", true, false), new LlmCapability(true, [new ModelInfo(Model, loaded, 1, "llama", "8B")], 0, slots, null, null),
            0, null, BreakerState.Closed);

    /// <summary>Tells the scheduler that <paramref name="host"/> decodes <paramref name="tokensPerSecond"/> per stream and answers 100 tokens.</summary>
    private void Measured(LlmScheduler scheduler, LlmCandidate host, double tokensPerSecond, long loadNs = 0)
    {
        for (var n = 1; n <= host.Capability.MaxParallel; n++)
        {
            scheduler.Stats.Observe(host.Host.NodeId, Model, new LlmResult
            {
                EvalCount = 100, EvalDuration = (long)(100 / tokensPerSecond * 1e9), PromptEvalCount = 10, PromptEvalDuration = 10_000_000, LoadDuration = loadNs,
            }, n, _time.GetUtcNow() - TimeSpan.FromHours(1));
        }
    }

    private static LlmScheduler.Waiting Chat(IReadOnlyList<LlmCandidate> hosts, string client = "", List<int>? places = null, IReadOnlyList<LlmMessage>? messages = null) =>
        new(client, Model, messages ?? [new LlmMessage(LlmMessage.User, "hello")], null, () => hosts, places is null ? null : places.Add, first: false);

    [Fact]
    public async Task NeverPastAHostsSlots_TheRestWaitWithTheirPlaces_AndGoAsSlotsFree()
    {
        using var scheduler = Scheduler();
        LlmCandidate[] hosts = [Host("a", 2), Host("b", 2)];
        var places = Enumerable.Range(0, 6).Select(_ => new List<int>()).ToList();
        var chats = places.Select(p => scheduler.AcquireAsync(Chat(hosts, places: p), Ct)).ToList();

        var dispatched = new List<LlmScheduler.Dispatch>();
        foreach (var chat in chats.Where(c => c.IsCompletedSuccessfully))
        {
            dispatched.Add(await chat);
        }

        Assert.Equal(4, dispatched.Count);
        Assert.Equal(2, dispatched.Count(d => d.NodeId == "a"));
        Assert.Equal(2, _slots.Busy(hosts[0]));
        Assert.Equal(2, _slots.Busy(hosts[1]));
        Assert.Equal(2, scheduler.Queued);
        Assert.Equal([1], places[4]);
        Assert.Equal([2], places[5]);

        dispatched[0].Dispose();

        Assert.Equal(dispatched[0].NodeId, (await chats[4].WaitAsync(TimeSpan.FromSeconds(10), Ct)).NodeId);
        Assert.Equal([2, 1], places[5]);
        Assert.False(chats[5].IsCompleted);
    }

    [Fact]
    public async Task WaitsForAFastHost_RatherThanStartingOnAFreeVerySlowOne()
    {
        using var scheduler = Scheduler();
        var fast = Host("fast", 1);
        var slow = Host("slow", 1);
        Measured(scheduler, fast, 100);
        Measured(scheduler, slow, 5);
        LlmCandidate[] hosts = [slow, fast];

        var first = await scheduler.AcquireAsync(Chat(hosts), Ct);
        var second = scheduler.AcquireAsync(Chat(hosts), Ct);

        // 100 tokens: 1 s on the fast host once its slot frees (in about 1 s), 20 s on the slow one.
        Assert.Equal("fast", first.NodeId);
        Assert.False(second.IsCompleted);
        Assert.Equal(0, _slots.Busy(slow));
        _time.Advance(TimeSpan.FromSeconds(1));
        first.Dispose();
        Assert.Equal("fast", (await second.WaitAsync(TimeSpan.FromSeconds(10), Ct)).NodeId);
    }

    [Fact]
    public async Task UnderOverload_TheSlowHostTakesWhatWouldWaitLongerForTheFastOne()
    {
        using var scheduler = Scheduler();
        var fast = Host("fast", 1);
        var slow = Host("slow", 1);
        Measured(scheduler, fast, 100); // 1 s a chat
        Measured(scheduler, slow, 20); // 5 s a chat
        LlmCandidate[] hosts = [fast, slow];

        var chats = Enumerable.Range(0, 10).Select(_ => scheduler.AcquireAsync(Chat(hosts), Ct)).ToList();

        // The first goes to the fast host; the next ones would finish there at 2, 3, 4, 5 s…: the slow host's 5 s wins for one.
        var dispatched = new List<string>();
        foreach (var chat in chats.Where(c => c.IsCompletedSuccessfully))
        {
            dispatched.Add((await chat).NodeId);
        }

        Assert.Equal(["fast", "slow"], dispatched);
        Assert.Equal(8, scheduler.Queued);
    }

    [Fact]
    public async Task FollowUp_GoesBackToTheHostThatHasTheConversation_UnlessThatHostIsFarBehind()
    {
        using var scheduler = Scheduler();
        var a = Host("a", 1);
        var b = Host("b", 1);
        LlmCandidate[] hosts = [a, b];
        var history = new LlmMessage(LlmMessage.User, new string('x', 8_000));
        scheduler.Affinity.Remember(ConversationAffinity.KeyOf(Model, [history]), "b");
        LlmMessage[] followUp = [history, new(LlmMessage.Assistant, "an answer"), new(LlmMessage.User, "and then?")];

        var sticky = await scheduler.AcquireAsync(Chat(hosts, messages: followUp), Ct);
        Assert.Equal("b", sticky.NodeId);

        // With b busy for a long time, the follow-up goes to a and pays for the whole prompt there.
        Measured(scheduler, b, 1);
        var elsewhere = await scheduler.AcquireAsync(Chat(hosts, messages: followUp), Ct);
        Assert.Equal("a", elsewhere.NodeId);
    }

    [Fact]
    public async Task WhenChatsWait_AFreeSlotGoesFirstToOneThatNeedsNoMove_AFollowUpLeavesItsHostOnlyForASlotNobodyElseTakes()
    {
        using var scheduler = Scheduler();
        var a = Host("a", 1);
        var b = Host("b", 1);
        Measured(scheduler, a, 50); // 2 s a chat
        Measured(scheduler, b, 10); // 10 s a chat
        LlmCandidate[] hosts = [a, b];
        var history = new LlmMessage(LlmMessage.User, new string('x', 8_000)); // 2,000 tokens: 2 s of prompt anywhere but b
        scheduler.Affinity.Remember(ConversationAffinity.KeyOf(Model, [history]), "b");
        LlmMessage[] followUp = [history, new(LlmMessage.Assistant, "an answer"), new(LlmMessage.User, "and then?")];
        var onA = await scheduler.AcquireAsync(Chat([a], "x"), Ct);
        using var onB = await scheduler.AcquireAsync(Chat([b], "x"), Ct);

        // Both hosts busy: the follow-up (first in line) and a new chat wait.
        var moving = scheduler.AcquireAsync(Chat(hosts, "f", messages: followUp), Ct);
        var fresh = scheduler.AcquireAsync(Chat(hosts, "n"), Ct);
        Assert.Equal(2, scheduler.Queued);

        // a frees. For the follow-up alone a is quicker than waiting for b, but it would process its 2,000 tokens again there:
        // the new chat, which has to process its prompt wherever it goes, takes the slot; the follow-up keeps waiting.
        onA.Dispose();
        var next = await fresh.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("a", next.NodeId);
        Assert.False(moving.IsCompleted);

        // a frees again with nobody else waiting: the slot does not stay idle, the follow-up takes it.
        next.Dispose();
        using var moved = await moving.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("a", moved.NodeId);
    }

    [Fact]
    public async Task NotSticky_WhenTurnedOff()
    {
        using var scheduler = Scheduler(o => o.StickyConversations = false);
        LlmCandidate[] hosts = [Host("a", 1), Host("b", 1)];
        var history = new LlmMessage(LlmMessage.User, new string('x', 8_000));
        scheduler.Affinity.Remember(ConversationAffinity.KeyOf(Model, [history]), "b");

        var chat = await scheduler.AcquireAsync(Chat(hosts, messages: [history, new(LlmMessage.Assistant, "an answer"), new(LlmMessage.User, "and then?")]), Ct);

        Assert.Equal("a", chat.NodeId);
    }

    [Fact]
    public async Task WhileWaiting_PeopleTakeTurns_OneClientCannotStarveAnother()
    {
        using var scheduler = Scheduler();
        LlmCandidate[] hosts = [Host("a", 1)];
        var running = await scheduler.AcquireAsync(Chat(hosts, "greedy"), Ct);
        var greedy = Enumerable.Range(0, 10).Select(_ => scheduler.AcquireAsync(Chat(hosts, "greedy"), Ct)).ToList();
        var polite = scheduler.AcquireAsync(Chat(hosts, "polite"), Ct);

        // The greedy client was served last: the polite one's turn comes first, then the greedy one's again.
        running.Dispose();
        var next = await polite.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.False(greedy[0].IsCompleted);
        next.Dispose();
        using var greedyNext = await greedy[0].WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(9, scheduler.Queued);
    }

    [Fact]
    public async Task WaitingLongerThanTheQueueTimeout_Answers503Busy_AndAFullQueueRefusesAtOnce()
    {
        using var scheduler = Scheduler(o => (o.QueueTimeout, o.MaxQueue) = (TimeSpan.FromSeconds(30), 1));
        LlmCandidate[] hosts = [Host("a", 1)];
        using var running = await scheduler.AcquireAsync(Chat(hosts), Ct);
        var waiting = scheduler.AcquireAsync(Chat(hosts), Ct);

        var full = await Assert.ThrowsAsync<LlmUnavailableException>(() => scheduler.AcquireAsync(Chat(hosts), Ct));
        Assert.Equal(LlmUnavailableException.Busy, full.Reason);
        Assert.Equal(503, full.StatusCode);

        _time.Advance(TimeSpan.FromSeconds(31));
        var timedOut = await Assert.ThrowsAsync<LlmUnavailableException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(LlmUnavailableException.Busy, timedOut.Reason);
        Assert.Equal(0, scheduler.Queued);
    }

    [Fact]
    public async Task HostsGoneWhileWaiting_TheChatFailsWithTheirReason_AndACancelledOneLeavesTheQueue()
    {
        using var scheduler = Scheduler();
        var hosts = new List<LlmCandidate> { Host("a", 1) };
        var gone = false;
        using var running = await scheduler.AcquireAsync(Chat(hosts), Ct);
        var waiting = scheduler.AcquireAsync(new LlmScheduler.Waiting("", Model, [new LlmMessage(LlmMessage.User, "hi")], null,
            () => gone ? throw new LlmUnavailableException("no host serves it now") : hosts, null, first: false), Ct);
        using var cancel = new CancellationTokenSource();
        var cancelled = scheduler.AcquireAsync(Chat(hosts), cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(1, scheduler.Queued);

        gone = true;
        _time.Advance(TimeSpan.FromMilliseconds(300)); // the scheduler looks again while chats wait
        var failure = await Assert.ThrowsAsync<LlmUnavailableException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal("no host serves it now", failure.Message);
    }

    [Fact]
    public async Task HostsGoneBriefly_AWaitingChatKeepsItsPlaceUntilOneComesBack_ButNotPastTheGrace_AndANewChatFailsAtOnce()
    {
        using var scheduler = Scheduler();
        var hosts = new List<LlmCandidate> { Host("a", 1) };
        var gone = false;
        IReadOnlyList<LlmCandidate> Candidates() =>
            gone ? throw new LlmUnavailableException("No LLM is reachable in the mesh", reason: LlmUnavailableException.NoLlm) : hosts;
        LlmScheduler.Waiting Waiting() => new("", Model, [new LlmMessage(LlmMessage.User, "hi")], null, Candidates, null, first: false);
        var running = await scheduler.AcquireAsync(Waiting(), Ct);
        var back = scheduler.AcquireAsync(Waiting(), Ct);
        var late = scheduler.AcquireAsync(Waiting(), Ct);

        gone = true; // the host's link dropped
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, scheduler.Queued);
        var arriving = await Assert.ThrowsAsync<LlmUnavailableException>(() => scheduler.AcquireAsync(Waiting(), Ct));
        Assert.Equal(LlmUnavailableException.NoLlm, arriving.Reason);

        gone = false; // and came back
        running.Dispose();
        using var served = await back.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("a", served.NodeId);
        Assert.Equal(1, scheduler.Queued);

        gone = true; // gone again, now for good
        _time.Advance(TimeSpan.FromMilliseconds(250)); // the scheduler looks again while chats wait, and sees the host gone
        for (var waited = TimeSpan.Zero; waited < LlmScheduler.HostGoneGrace - TimeSpan.FromMilliseconds(500); waited += TimeSpan.FromMilliseconds(250))
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(1, scheduler.Queued);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        _time.Advance(TimeSpan.FromMilliseconds(250));
        var failure = await Assert.ThrowsAsync<LlmUnavailableException>(() => late.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(LlmUnavailableException.NoLlm, failure.Reason);
        Assert.Equal(0, scheduler.Queued);
    }

    [Fact]
    public async Task AHostAlreadyLoadingTheModel_IsPreferredToStartingASecondLoad()
    {
        using var scheduler = Scheduler();
        var a = Host("a", 2, loaded: false);
        var b = Host("b", 2, loaded: false);
        Measured(scheduler, a, 50, loadNs: 10_000_000_000);
        Measured(scheduler, b, 50, loadNs: 10_000_000_000);
        LlmCandidate[] hosts = [a, b];

        // Measured an hour ago: the model has been unloaded since.
        var first = await scheduler.AcquireAsync(Chat(hosts), Ct);
        Assert.True(first.Loading);
        _time.Advance(TimeSpan.FromSeconds(4));
        var second = await scheduler.AcquireAsync(Chat(hosts), Ct);

        Assert.Equal(first.NodeId, second.NodeId);
        Assert.True(second.Loading);
        first.Answering();
        Assert.False(first.Loading);
    }

    private sealed class FakeSlots : IHostSlots
    {
        private readonly Dictionary<string, int> _busy = [];

        public int Busy(LlmCandidate host) => _busy.GetValueOrDefault(host.Host.NodeId);

        public IDisposable Enter(LlmCandidate host)
        {
            _busy[host.Host.NodeId] = Busy(host) + 1;
            return new Exit(() => _busy[host.Host.NodeId]--);
        }

        private sealed class Exit(Action exit) : IDisposable
        {
            public void Dispose() => exit();
        }
    }
}
