namespace MeshMind.FakeOllama;

/// <summary>
/// A simulated host running Ollama on a GPU: slots and a bounded FIFO queue, a decode rate shared by the streams decoding
/// together, prompt processing with a per-conversation prefix cache, model loading and keep-alive (the figures and formulas
/// are in <see cref="GpuOptions"/>). Time is the injected <see cref="TimeProvider"/>'s, so it runs on a fake clock in tests.
/// </summary>
/// <remarks>
/// <para>The model is a discrete-event simulation evaluated lazily: every call first advances it to the clock's "now",
/// processing in time order the events that fell due (a load ends, a prompt is processed, a stream's last token is out and
/// its slot goes to the first request in the queue), with the decode rate constant between two events. The HTTP server
/// only asks how many tokens of a request are out and waits for the next one; the simulation alone decides when, so
/// a late wake-up delays bytes on the wire but not the simulated times or the final statistics.</para>
/// <para>A request takes its slot, then waits for its model if it is not in memory (one load serves every request
/// waiting for it), then processes its prompt, then decodes. Prompt processing does not slow the decoding streams.</para>
/// </remarks>
public sealed partial class GpuSimulation
{
    internal const double Epsilon = 1e-9;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _origin;
    private readonly Dictionary<string, LoadState> _models = new(StringComparer.Ordinal);
    private readonly LinkedList<GpuRequest> _queue = new();
    private readonly List<GpuRequest> _active = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Seconds since the start up to which the simulation has run.</summary>
    private double _clock;

    private int _rejected;
    private int _mostHeld;

    /// <param name="options">The host's figures.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loaded">Models in memory at the start (they expire after <see cref="GpuOptions.KeepAlive"/> unless used).</param>
    public GpuSimulation(GpuOptions options, TimeProvider time, IEnumerable<string>? loaded = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _time = time;
        _origin = time.GetUtcNow();
        foreach (var model in loaded ?? [])
        {
            _models[model] = new LoadState { Loaded = true, KeepAlive = options.KeepAlive, ExpiresAt = Until(0, options.KeepAlive) };
        }
    }

    public GpuOptions Options { get; }

    /// <summary>Requests in a slot (loading, prefilling or decoding).</summary>
    public int Active => Read(() => _active.Count);

    /// <summary>Requests waiting for a slot.</summary>
    public int Queued => Read(() => _queue.Count);

    /// <summary>Requests refused because the queue was full.</summary>
    public int Rejected => Read(() => _rejected);

    /// <summary>The most requests the host held at once, in slots and queued.</summary>
    public int MostHeld => Read(() => _mostHeld);

    /// <summary>
    /// Admits a request: to a free slot at once, else to the end of the queue; null when the queue already holds
    /// <see cref="GpuOptions.MaxQueue"/> requests (Ollama answers 503 then).
    /// </summary>
    public GpuRequest? TryEnqueue(GpuWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfNegative(work.OutputTokens);
        lock (_lock)
        {
            var now = AdvanceLocked();
            if (_active.Count >= Options.Slots && _queue.Count >= Options.MaxQueue)
            {
                _rejected++;
                return null;
            }

            var request = new GpuRequest(this, work, now);
            if (_active.Count < Options.Slots)
            {
                AdmitLocked(request, now);
                ProcessDueLocked(now);
            }
            else
            {
                _queue.AddLast(request);
            }

            _mostHeld = Math.Max(_mostHeld, _active.Count + _queue.Count);
            SignalLocked();
            return request;
        }
    }

    /// <summary>The models in memory now, with when each unloads (as <c>/api/ps</c>'s <c>expires_at</c>).</summary>
    public IReadOnlyList<GpuLoadedModel> LoadedModels()
    {
        lock (_lock)
        {
            var now = AdvanceLocked();
            return [.. _models.Where(m => m.Value.IsLoadedAt(now))
                .OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => new GpuLoadedModel(m.Key, At(m.Value.Refs > 0 ? Until(now, m.Value.KeepAlive) : m.Value.ExpiresAt)))];
        }
    }

    /// <summary>Whether <paramref name="model"/> is in memory now.</summary>
    public bool IsLoaded(string model) => LoadedModels().Any(m => m.Name == model);

    internal T Read<T>(GpuRequest request, Func<GpuRequest, T> read)
    {
        lock (_lock)
        {
            AdvanceLocked();
            return read(request);
        }
    }

    internal async ValueTask<int> WaitForTokensAsync(GpuRequest request, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            double wakeAt;
            Task changed;
            lock (_lock)
            {
                AdvanceLocked();
                var tokens = request.TokensOutLocked;
                if (tokens >= count || request.State is GpuPhase.Done or GpuPhase.Cancelled)
                {
                    return tokens;
                }

                wakeAt = WakeAtLocked(request);
                changed = _changed.Task;
            }

            // Until the next event or this request's next token, or sooner if a request arrives or leaves (that changes rates).
            var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var timer = _time.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), wake,
                Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Arm(timer, wake, wakeAt);
            await Task.WhenAny(wake.Task, changed).WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Sets <paramref name="timer"/> to fire at <paramref name="wakeAt"/>. A timer counts from when it is set, and a test's
    /// fake clock may move between reading the clock and setting it (the timer would then fire late, or never if the test
    /// waits for it before moving the clock again): so the clock is read again after, and the timer set again if it moved.
    /// </summary>
    private void Arm(ITimer timer, TaskCompletionSource wake, double wakeAt)
    {
        if (double.IsPositiveInfinity(wakeAt))
        {
            return;
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var before = Now();
            if (before >= wakeAt)
            {
                wake.TrySetResult();
                return;
            }

            // Rounded up, so that on waking the token is due (a fake clock advanced exactly to the wake-up time included).
            var ticks = Math.Ceiling((wakeAt - before) * TimeSpan.TicksPerSecond);
            timer.Change(ticks >= TimeSpan.MaxValue.Ticks / 2 ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks((long)ticks), Timeout.InfiniteTimeSpan);
            if (Now() - before < 1e-3)
            {
                return;
            }
        }
    }

    internal void GiveUp(GpuRequest request)
    {
        lock (_lock)
        {
            var now = AdvanceLocked();
            switch (request.State)
            {
                case GpuPhase.Queued:
                    _queue.Remove(request);
                    request.State = GpuPhase.Cancelled;
                    break;
                case GpuPhase.Loading or GpuPhase.Prefilling or GpuPhase.Decoding:
                    ReleaseLocked(request, now, GpuPhase.Cancelled);
                    ProcessDueLocked(now);
                    break;
                default:
                    return;
            }

            SignalLocked();
        }
    }

    private T Read<T>(Func<T> read)
    {
        lock (_lock)
        {
            AdvanceLocked();
            return read();
        }
    }

    private void SignalLocked()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private double Now() => Math.Max(_clock, (_time.GetUtcNow() - _origin).Ticks / (double)TimeSpan.TicksPerSecond);

    private DateTimeOffset At(double seconds) =>
        seconds >= (DateTimeOffset.MaxValue - _origin).TotalSeconds ? DateTimeOffset.MaxValue : _origin + TimeSpan.FromSeconds(seconds);

    /// <summary>When a model kept alive for <paramref name="keepAlive"/> from <paramref name="time"/> unloads (never, when negative).</summary>
    private static double Until(double time, TimeSpan keepAlive) =>
        keepAlive < TimeSpan.Zero ? double.PositiveInfinity : time + keepAlive.TotalSeconds;

    /// <summary>A model's place in memory.</summary>
    private sealed class LoadState
    {
        public bool Loaded { get; set; }

        /// <summary>When the load under way ends; NaN when none is.</summary>
        public double LoadEnd { get; set; } = double.NaN;

        /// <summary>Requests in a slot using the model: it does not expire while there are any.</summary>
        public int Refs { get; set; }

        /// <summary>The keep-alive of the latest request (Ollama's session duration).</summary>
        public TimeSpan KeepAlive { get; set; }

        public double ExpiresAt { get; set; }

        public bool IsLoadedAt(double time) => Loaded && (Refs > 0 || time < ExpiresAt - Epsilon);
    }
}
