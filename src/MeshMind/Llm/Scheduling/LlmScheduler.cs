using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Routing;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Scheduling;

/// <summary>
/// <c>meshmind</c> routing (issue 17): sends each chat to the host where it is expected to finish first
/// (<see cref="CostModel"/>), and never past a host's slots. When the best host is full the chat waits here, not in the
/// host's own queue, so it can still go wherever a slot frees first that serves it better; waiting chats take turns by
/// client (<see cref="FairQueue{T}"/>) and are told their place. Learns each host's rates from its answers
/// (<see cref="SchedulerStats"/>, as a pipeline stage) and which host holds each conversation (<see cref="ConversationAffinity"/>).
/// </summary>
/// <remarks>
/// <para>Every time a slot frees, a chat arrives, or a quarter second passes while chats wait (hosts come and go, peers
/// report their load), the waiting chats are placed in turn: each goes to its cheapest host if that host has a free slot;
/// otherwise it stays, and counts as one more ahead of the next chat that would wait for the same host. A follow-up whose
/// cheapest free host is not the one that has its conversation goes last: the chats that would not leave their host take
/// the free slots first, and it takes one only if it is still free after them. Processing its whole prompt again is slot
/// time taken from everyone; when chats wait, a slot does not stay idle for want of one, so moving a conversation only
/// trades throughput for its own wait (with long prompts, greedy moves cost two thirds of the throughput in the
/// <c>schedule</c> bench).</para>
/// <para>What a host is busy with: this node's own LLM counts every request it serves; a peer counts the requests this
/// node has open there plus the others it last reported (its capability, sent when its probe sees a change).</para>
/// </remarks>
internal sealed partial class LlmScheduler : IAnswerObserver, IDisposable
{
    /// <summary>Finished answers within this long mean the model is still in that host's memory (Ollama keeps it 5 minutes).</summary>
    private static readonly TimeSpan s_recentlyServed = TimeSpan.FromMinutes(4);

    private static readonly TimeSpan s_repump = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a waiting chat outlives the hosts it was waiting for: when the last one that serves its model goes (its link
    /// dropped, it lost the model), the chat keeps its place this long in case one comes back, as a link does within a second
    /// of a blip. A chat that arrives when no host serves its model fails at once.
    /// </summary>
    public static readonly TimeSpan HostGoneGrace = TimeSpan.FromSeconds(10);

    private readonly IHostSlots _slots;
    private readonly LlmOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LlmScheduler> _logger;
    private readonly Lock _lock = new();
    private readonly FairQueue<Waiting> _queue = new();
    private readonly List<Dispatch> _active = [];
    private readonly ITimer _timer;
    private bool _timerArmed;

    public LlmScheduler(IHostSlots slots, IOptions<LlmOptions> options, TimeProvider time, ILogger<LlmScheduler> logger)
    {
        _slots = slots;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => Pump(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public SchedulerStats Stats { get; } = new();

    public ConversationAffinity Affinity { get; } = new();

    /// <summary>Chats waiting for a slot now.</summary>
    public int Queued
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Waits until <paramref name="waiting"/> has a host with a free slot, and takes that slot.</summary>
    /// <exception cref="LlmUnavailableException">No host can take it (none serves the model, every one failed), the queue is
    /// full, or it waited longer than <see cref="LlmOptions.QueueTimeout"/>.</exception>
    public async Task<Dispatch> AcquireAsync(Waiting waiting, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_queue.Count >= _options.MaxQueue && !waiting.First)
            {
                throw new LlmUnavailableException($"every host is busy and {_queue.Count} chats are already waiting; try again later",
                    reason: LlmUnavailableException.Busy);
            }

            waiting.EnqueuedAt = _time.GetUtcNow();
            _queue.Enqueue(waiting.Client, waiting, waiting.First);
        }

        Pump();
        await using var registration = cancellationToken.Register(() => Abandon(waiting, null));
        try
        {
            return await waiting.Completion.Task;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the client cancelled the request", cancellationToken);
        }
    }

    public void Finished(LlmAnswer answer, bool succeeded, string? failure)
    {
        if (answer.Slot is not Dispatch dispatch || !succeeded)
        {
            return;
        }

        if (answer.Final is { } final)
        {
            Stats.Observe(dispatch.NodeId, dispatch.Model, final, dispatch.Concurrency, _time.GetUtcNow());
        }

        if (_options.StickyConversations && dispatch.Waiting.RecordKey is { } key)
        {
            Affinity.Remember(key, dispatch.NodeId);
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>Places the waiting chats that can go now (see the remarks of the class).</summary>
    internal void Pump()
    {
        List<(Waiting Waiting, Dispatch? Dispatch, Exception? Error)> done = [];
        List<(Waiting Waiting, int Position)> moved = [];
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var ahead = new Dictionary<string, int>(StringComparer.Ordinal);
            var position = 0;
            List<(Waiting Waiting, IReadOnlyList<LlmCandidate> Candidates, string Home)> moving = [];
            foreach (var waiting in _queue.Ordered())
            {
                if (now - waiting.EnqueuedAt > _options.QueueTimeout)
                {
                    _queue.Remove(waiting.Client, waiting, served: false);
                    done.Add((waiting, null, new LlmUnavailableException(
                        $"every host serving '{waiting.Model}' stayed busy for {_options.QueueTimeout.TotalSeconds:0.#} s; try again later",
                        reason: LlmUnavailableException.Busy)));
                    continue;
                }

                IReadOnlyList<LlmCandidate> candidates;
                try
                {
                    candidates = waiting.Candidates();
                }
                catch (LlmUnavailableException ex)
                {
                    if (HostMayReturn(waiting, ex, now))
                    {
                        // Its hosts went away while it waited: a link that dropped comes back in a moment, so it waits on.
                        Wait(waiting);
                        continue;
                    }

                    _queue.Remove(waiting.Client, waiting, served: false);
                    done.Add((waiting, null, ex));
                    continue;
                }

                waiting.SawHost = true;
                waiting.HostsGoneAt = null;

                var home = StickyHost(waiting, candidates);
                var (best, view, estimate) = Cheapest(waiting, candidates, home, ahead, now);
                if (view.Busy < view.Slots && home is not null && best.Host.NodeId != home)
                {
                    // It would leave the host that has its conversation: the prompt processed again is slot time lost to everyone.
                    // Chats that would not leave theirs take free slots first; it may take one that is still free after them.
                    moving.Add((waiting, candidates, home));
                    ahead[home] = ahead.GetValueOrDefault(home) + 1;
                }
                else if (view.Busy < view.Slots)
                {
                    Send(waiting, best, view, estimate);
                }
                else
                {
                    ahead[best.Host.NodeId] = ahead.GetValueOrDefault(best.Host.NodeId) + 1;
                    Wait(waiting);
                }
            }

            foreach (var (waiting, candidates, home) in moving)
            {
                ahead[home]--;
                var (best, view, estimate) = Cheapest(waiting, candidates, home, ahead, now);
                if (view.Busy < view.Slots)
                {
                    Send(waiting, best, view, estimate);
                }
                else
                {
                    ahead[best.Host.NodeId] = ahead.GetValueOrDefault(best.Host.NodeId) + 1;
                    Wait(waiting);
                }
            }

            void Send(Waiting waiting, LlmCandidate best, HostView view, CostEstimate estimate)
            {
                _queue.Remove(waiting.Client, waiting, served: true);
                var dispatch = new Dispatch(this, waiting, best, estimate, view.Busy + 1, loading: view.LoadSeconds > 0, now, _slots.Enter(best));
                _active.Add(dispatch);
                done.Add((waiting, dispatch, null));
            }

            void Wait(Waiting waiting)
            {
                position++;
                if (waiting.Position != position)
                {
                    waiting.Position = position;
                    moved.Add((waiting, position));
                }
            }

            if (_queue.Count > 0 && !_timerArmed)
            {
                _timerArmed = true;
                _timer.Change(s_repump, s_repump);
            }
            else if (_queue.Count == 0 && _timerArmed)
            {
                _timerArmed = false;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        foreach (var (waiting, dispatch, error) in done)
        {
            if (dispatch is not null)
            {
                if (!waiting.Completion.TrySetResult(dispatch))
                {
                    dispatch.Dispose(); // abandoned meanwhile
                }
                else if (waiting.Position > 0)
                {
                    LogDispatchedAfterWaiting(waiting.Model, dispatch.Candidate.Host.Name, (dispatch.Started - waiting.EnqueuedAt).TotalMilliseconds);
                }
            }
            else
            {
                waiting.Completion.TrySetException(error!);
            }
        }

        foreach (var (waiting, position) in moved)
        {
            waiting.Queued?.Invoke(position);
        }
    }

    /// <summary>Whether <paramref name="waiting"/>, whose hosts are gone (<paramref name="gone"/>), keeps its place (see <see cref="HostGoneGrace"/>).</summary>
    private static bool HostMayReturn(Waiting waiting, LlmUnavailableException gone, DateTimeOffset now)
    {
        if (!waiting.SawHost || gone.Reason is not (LlmUnavailableException.NoLlm or LlmUnavailableException.UnknownModel
            or LlmUnavailableException.HostUnavailable))
        {
            return false;
        }

        waiting.HostsGoneAt ??= now;
        return now - waiting.HostsGoneAt.Value < HostGoneGrace;
    }

    /// <summary>The host that served <paramref name="waiting"/>'s previous turn, if it is still among its candidates.</summary>
    private string? StickyHost(Waiting waiting, IReadOnlyList<LlmCandidate> candidates) =>
        _options.StickyConversations && Affinity.HostOf(waiting.PreviousKey) is { } home && candidates.Any(c => c.Host.NodeId == home) ? home : null;

    /// <summary>
    /// The host where <paramref name="waiting"/> is expected to finish first; ties go to the one ranked first. <paramref name="home"/>
    /// is the host that has its conversation (<see cref="StickyHost"/>), if any.
    /// </summary>
    private (LlmCandidate Best, HostView View, CostEstimate Estimate) Cheapest(Waiting waiting, IReadOnlyList<LlmCandidate> candidates,
        string? home, Dictionary<string, int> ahead, DateTimeOffset now)
    {
        (LlmCandidate Best, HostView View, CostEstimate Estimate)? best = null;
        var shape = waiting.Shape(Stats);
        foreach (var candidate in candidates)
        {
            var view = View(candidate, waiting.Model, home == candidate.Host.NodeId, now);
            var estimate = CostModel.Estimate(view, shape, ahead.GetValueOrDefault(candidate.Host.NodeId));
            if (best is null || estimate.Total < best.Value.Estimate.Total - 1e-9)
            {
                best = (candidate, view, estimate);
            }
        }

        return best!.Value;
    }

    /// <summary>What is known of <paramref name="candidate"/> for <paramref name="model"/> now (see <see cref="HostView"/>).</summary>
    private HostView View(LlmCandidate candidate, string model, bool sticky, DateTimeOffset now)
    {
        var nodeId = candidate.Host.NodeId;
        var slots = Math.Max(1, candidate.Capability.MaxParallel);
        var busy = _slots.Busy(candidate);
        var (prefill, load, lastServed, decodeIfFree, decodeWhenFull) = Stats.Read(nodeId, model, s =>
            (s.PrefillTokensPerSecond, s.LoadSeconds, s.LastServed, s.DecodeTokensPerSecond(busy + 1), s.DecodeTokensPerSecond(slots)));
        var fallbackDecode = candidate.Capability.TokensPerS ?? CostModel.DefaultDecodeTokensPerSecond;

        // In memory: the host says so, or answered with it lately; loading: this node sent it a request that is still waiting for
        // the model (what is left of the load), else the whole load.
        var loadSeconds = load ?? CostModel.DefaultLoadSeconds;
        var loaded = candidate.Capability.Find(model) is { Loaded: true } || (lastServed is { } at && now - at < s_recentlyServed);
        double? loading = null;
        double? soonest = null;
        foreach (var dispatch in _active)
        {
            if (dispatch.NodeId != nodeId)
            {
                continue;
            }

            if (dispatch.Loading && ModelNames.Matches(model, dispatch.Model))
            {
                loading = Math.Max(0, loadSeconds - (now - dispatch.Started).TotalSeconds);
            }

            var left = Math.Max(0, (dispatch.ExpectedEnd - now).TotalSeconds);
            soonest = soonest is { } s ? Math.Min(s, left) : left;
        }

        var ifFree = decodeIfFree ?? fallbackDecode;
        var whenFull = decodeWhenFull ?? fallbackDecode;
        var typical = CostModel.Estimate(new HostView(slots, 0, 0, prefill ?? CostModel.DefaultPrefillTokensPerSecond, whenFull, whenFull, 0, false),
            new RequestShape(0, 0, Stats.OutputTokens(model) ?? CostModel.DefaultOutputTokens), 0).Service;
        return new HostView(slots, busy, loaded ? 0 : loading ?? loadSeconds, prefill ?? CostModel.DefaultPrefillTokensPerSecond, ifFree, whenFull,
            soonest ?? (typical / 2), sticky);
    }

    private void Abandon(Waiting waiting, Exception? error)
    {
        bool removed;
        lock (_lock)
        {
            removed = _queue.Remove(waiting.Client, waiting, served: false);
        }

        if (removed)
        {
            _ = error is null ? waiting.Completion.TrySetCanceled() : waiting.Completion.TrySetException(error);
        }
    }

    private void Released(Dispatch dispatch)
    {
        lock (_lock)
        {
            _active.Remove(dispatch);
        }

        Pump();
    }

    [LoggerMessage(EventId = 620, Level = LogLevel.Debug, Message = "A chat with '{Model}' waited {WaitedMs:F0} ms for a slot; sent to '{Host}'")]
    private partial void LogDispatchedAfterWaiting(string model, string host, double waitedMs);

    /// <summary>A chat waiting for a host.</summary>
    internal sealed class Waiting(string client, string model, IReadOnlyList<LlmMessage> messages, int? maxTokens, Func<IReadOnlyList<LlmCandidate>> candidates,
        Action<int>? queued, bool first)
    {
        private readonly long _chars = messages.Sum(m => (long)m.Content.Length);
        private readonly long _newChars = messages.Skip(Math.Max(0, messages.Count - 2)).Sum(m => (long)m.Content.Length);

        public string Client { get; } = client;

        public string Model { get; } = model;

        /// <summary>The hosts it may go to now, best ranked first; throws <see cref="LlmUnavailableException"/> when none is left.</summary>
        public Func<IReadOnlyList<LlmCandidate>> Candidates { get; } = candidates;

        /// <summary>Told its place (1 = next) whenever it changes while it waits.</summary>
        public Action<int>? Queued { get; } = queued;

        /// <summary>Sent again after its host failed: goes before every other.</summary>
        public bool First { get; } = first;

        public string RecordKey { get; } = ConversationAffinity.KeyOf(model, messages);

        public string? PreviousKey { get; } = ConversationAffinity.PreviousKeyOf(model, messages);

        public DateTimeOffset EnqueuedAt { get; set; }

        public int Position { get; set; }

        /// <summary>It has had a host that serves its model while it waited.</summary>
        public bool SawHost { get; set; }

        /// <summary>When its last host went away, while none has come back (see <see cref="HostGoneGrace"/>).</summary>
        public DateTimeOffset? HostsGoneAt { get; set; }

        public TaskCompletionSource<Dispatch> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RequestShape Shape(SchedulerStats stats)
        {
            var output = stats.OutputTokens(Model) ?? CostModel.DefaultOutputTokens;
            return new RequestShape(CostModel.Tokens(_chars), CostModel.Tokens(_newChars), maxTokens is { } max ? Math.Min(max, output) : output);
        }
    }

    /// <summary>
    /// A host's slot taken for one chat: the answer holds it and gives it back when it ends (its disposal), which lets the
    /// next waiting chat go.
    /// </summary>
    internal sealed class Dispatch : IDisposable
    {
        private readonly LlmScheduler _owner;
        private readonly IDisposable _count;
        private int _disposed;
        private volatile bool _loading;

        internal Dispatch(LlmScheduler owner, Waiting waiting, LlmCandidate candidate, CostEstimate estimate, int concurrency, bool loading,
            DateTimeOffset started, IDisposable count)
        {
            _owner = owner;
            _count = count;
            Waiting = waiting;
            Candidate = candidate;
            Concurrency = concurrency;
            _loading = loading;
            Started = started;
            ExpectedEnd = started + TimeSpan.FromSeconds(Math.Min(estimate.Service, 86_400));
        }

        public Waiting Waiting { get; }

        public LlmCandidate Candidate { get; }

        public string NodeId => Candidate.Host.NodeId;

        public string Model => Waiting.Model;

        /// <summary>Streams the host has with this one, as far as this node knew when it sent it.</summary>
        public int Concurrency { get; }

        /// <summary>The host did not have the model in memory when this was sent, and has not answered yet.</summary>
        public bool Loading => _loading;

        public DateTimeOffset Started { get; }

        public DateTimeOffset ExpectedEnd { get; }

        /// <summary>The host sent its first token: whatever it was loading is loaded.</summary>
        public void Answering() => _loading = false;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _count.Dispose();
                _owner.Released(this);
            }
        }
    }
}
