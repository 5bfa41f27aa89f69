namespace MeshMind.FakeOllama;

/// <summary>The event loop: advancing the simulation to now, and what each event does.</summary>
public sealed partial class GpuSimulation
{
    /// <summary>Runs the simulation up to the clock's now, event by event, and returns now (seconds since the start).</summary>
    private double AdvanceLocked()
    {
        var now = Now();
        while (true)
        {
            var next = NextEventLocked();
            if (next > now)
            {
                DecodeLocked(now);
                return now;
            }

            DecodeLocked(Math.Max(next, _clock));
            ProcessDueLocked(_clock);
        }
    }

    /// <summary>When the next event falls due if nothing arrives or leaves: a load or a prefill ends, or a stream finishes.</summary>
    private double NextEventLocked()
    {
        var next = double.PositiveInfinity;
        foreach (var model in _models.Values)
        {
            if (!double.IsNaN(model.LoadEnd))
            {
                next = Math.Min(next, model.LoadEnd);
            }
        }

        var rate = StreamRateLocked();
        foreach (var request in _active)
        {
            next = request.State switch
            {
                GpuPhase.Prefilling => Math.Min(next, request.PrefillEnd),
                GpuPhase.Decoding => Math.Min(next, _clock + Math.Max(0, request.Work.OutputTokens - request.Progress) / rate),
                _ => next,
            };
        }

        return next;
    }

    /// <summary>Until when <paramref name="request"/> can sleep: the next event or its own next token, whichever comes first.</summary>
    private double WakeAtLocked(GpuRequest request)
    {
        var next = NextEventLocked();
        if (request.State == GpuPhase.Decoding)
        {
            var token = Math.Floor(request.Progress + Epsilon) + 1;
            next = Math.Min(next, _clock + (token - request.Progress) / StreamRateLocked());
        }

        return next;
    }

    /// <summary>Each decoding stream's rate now: the aggregate for their number, shared equally.</summary>
    private double StreamRateLocked() => Options.StreamTokensPerSecond(_active.Count(r => r.State == GpuPhase.Decoding));

    /// <summary>Moves every decoding stream on to <paramref name="time"/> at the current rate.</summary>
    private void DecodeLocked(double time)
    {
        var elapsed = time - _clock;
        if (elapsed > 0)
        {
            var rate = StreamRateLocked();
            foreach (var request in _active.Where(r => r.State == GpuPhase.Decoding))
            {
                request.Progress = Math.Min(request.Work.OutputTokens, request.Progress + elapsed * rate);
            }

            _clock = time;
        }
    }

    /// <summary>Processes every event due by <paramref name="time"/>, including those the processing itself makes due.</summary>
    private void ProcessDueLocked(double time)
    {
        bool any;
        do
        {
            any = false;
            foreach (var (name, model) in _models)
            {
                if (model.LoadEnd <= time + Epsilon)
                {
                    model.LoadEnd = double.NaN;
                    model.Loaded = true;
                    if (model.Refs == 0)
                    {
                        model.ExpiresAt = Until(time, model.KeepAlive);
                    }

                    foreach (var request in _active.Where(r => r.State == GpuPhase.Loading && r.Work.Model == name).ToList())
                    {
                        StartPrefillLocked(request, time);
                    }

                    any = true;
                }
            }

            foreach (var request in _active.ToList())
            {
                if (request.State == GpuPhase.Prefilling && request.PrefillEnd <= time + Epsilon)
                {
                    request.State = GpuPhase.Decoding;
                    RememberLocked(request, request.Work.Prompt);
                    any = true;
                }

                if (request.State == GpuPhase.Decoding && request.Progress >= request.Work.OutputTokens - Epsilon)
                {
                    request.Progress = request.Work.OutputTokens;
                    ReleaseLocked(request, time, GpuPhase.Done);
                    any = true;
                }
            }
        }
        while (any);
    }

    /// <summary>Gives <paramref name="request"/> a slot at <paramref name="time"/>: it loads its model if needed, else processes its prompt.</summary>
    private void AdmitLocked(GpuRequest request, double time)
    {
        request.Admitted = time;
        request.State = GpuPhase.Loading;
        _active.Add(request);
        if (!_models.TryGetValue(request.Work.Model, out var model))
        {
            model = new LoadState();
            _models[request.Work.Model] = model;
        }

        if (model.Loaded && !model.IsLoadedAt(time))
        {
            // Unloaded after its keep-alive; its prompts leave the cache with it.
            model.Loaded = false;
            ForgetLocked(request.Work.Model);
        }

        model.Refs++;
        model.KeepAlive = request.Work.KeepAlive ?? Options.KeepAlive;
        if (model.Loaded)
        {
            StartPrefillLocked(request, time);
        }
        else if (double.IsNaN(model.LoadEnd))
        {
            model.LoadEnd = time + Options.LoadTime.TotalSeconds;
        }
    }

    private void StartPrefillLocked(GpuRequest request, double time)
    {
        var (cached, chars) = LookUpLocked(request.Work.Model, request.Work.Prompt);
        // The entry is taken over (this conversation's answer will replace it) only when the prompt continues it; a prompt that
        // merely starts alike (another conversation) gets a new entry, and the least recently used one goes.
        request.Cached = chars >= ReuseSimilarity * request.Work.Prompt.Length ? cached : null;
        request.PromptEvalCount = Options.PromptTokens(request.Work.Prompt.Length - chars);
        request.PrefillStart = time;
        request.PrefillEnd = time + request.PromptEvalCount / Options.PrefillTokensPerSecond;
        request.State = GpuPhase.Prefilling;
    }

    /// <summary>Ends <paramref name="request"/> at <paramref name="time"/>: its slot goes to the first in the queue.</summary>
    private void ReleaseLocked(GpuRequest request, double time, GpuPhase end)
    {
        if (end == GpuPhase.Done)
        {
            RememberLocked(request, request.Work.PromptAfterAnswer ?? request.Work.Prompt);
        }

        request.State = end;
        request.Finished = time;
        _active.Remove(request);
        var model = _models[request.Work.Model];
        model.Refs--;
        if (model.Refs == 0)
        {
            model.ExpiresAt = Until(time, model.KeepAlive);
        }

        while (_active.Count < Options.Slots && _queue.First is { } first)
        {
            _queue.RemoveFirst();
            AdmitLocked(first.Value, time);
        }
    }
}
