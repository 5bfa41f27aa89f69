namespace MeshMind.Llm.Scheduling;

/// <summary>
/// The expected time for a chat to finish on one host (issue 17): wait for a slot, load the model if it is not in memory,
/// process the prompt, generate the answer. Pure arithmetic over a <see cref="HostView"/>, so it is tested on its own.
/// </summary>
/// <remarks>
/// <para>A host with a free slot starts at once; its answer decodes at the per-stream rate with one more stream beside the
/// ones it has. A full host starts when a slot frees: the soonest of its requests to end, then one more service time per
/// slot for each chat already waiting for it; it decodes at its full-house rate.</para>
/// <para>A follow-up on the host that served the conversation processes only its new tokens (that host has the earlier
/// prompt in its cache); anywhere else it processes the whole prompt. So a conversation stays where it is while that host
/// is not so busy that the wait outweighs the prompt it saves.</para>
/// </remarks>
internal static class CostModel
{
    /// <summary>Characters counted as one token when a prompt's tokens are estimated from its text.</summary>
    public const double CharsPerToken = 4;

    /// <summary>Prompt tokens per second assumed for a host not measured yet (a modest GPU).</summary>
    public const double DefaultPrefillTokensPerSecond = 1_000;

    /// <summary>A stream's tokens per second assumed for a host not measured yet, when it does not say either.</summary>
    public const double DefaultDecodeTokensPerSecond = 50;

    /// <summary>Seconds assumed to load a model no load of which was measured on that host.</summary>
    public const double DefaultLoadSeconds = 10;

    /// <summary>Answer length assumed for a model no answer of which was measured.</summary>
    public const double DefaultOutputTokens = 250;

    public static CostEstimate Estimate(in HostView host, in RequestShape request, int ahead)
    {
        var prompt = host.Sticky ? request.NewTokens : request.PromptTokens;
        var prefill = prompt / Math.Max(1e-3, host.PrefillTokensPerSecond);
        if (host.Busy < host.Slots)
        {
            return new CostEstimate(0, host.LoadSeconds, prefill, request.OutputTokens / Math.Max(1e-3, host.DecodeIfFree));
        }

        var decode = request.OutputTokens / Math.Max(1e-3, host.DecodeWhenFull);
        var perSlot = (prefill + decode) / Math.Max(1, host.Slots);
        return new CostEstimate(host.SoonestFreeSeconds + (ahead * perSlot), host.LoadSeconds, prefill, decode);
    }

    /// <summary>Tokens in <paramref name="chars"/> characters of prompt (at least one).</summary>
    public static int Tokens(long chars) => (int)Math.Clamp(Math.Ceiling(chars / CharsPerToken), 1, int.MaxValue);
}

/// <summary>What the scheduler knows of one host for one model at one moment.</summary>
/// <param name="Slots">Requests it serves at once (its <c>Llm:MaxParallel</c>).</param>
/// <param name="Busy">Requests it is serving now, as far as this node knows (its own and, as last reported, others').</param>
/// <param name="LoadSeconds">Seconds until the model is in memory: 0 when loaded, what is left while it loads.</param>
/// <param name="PrefillTokensPerSecond">Its prompt processing rate.</param>
/// <param name="DecodeIfFree">Each stream's decode rate with one more stream than it has now.</param>
/// <param name="DecodeWhenFull">Each stream's decode rate with every slot decoding.</param>
/// <param name="SoonestFreeSeconds">Seconds until one of its requests is expected to end (when it is full).</param>
/// <param name="Sticky">It served this conversation's previous turn, so its prompt is in its cache.</param>
internal readonly record struct HostView(
    int Slots, int Busy, double LoadSeconds, double PrefillTokensPerSecond, double DecodeIfFree, double DecodeWhenFull,
    double SoonestFreeSeconds, bool Sticky);

/// <summary>A chat's size as the cost model sees it.</summary>
/// <param name="PromptTokens">The whole prompt.</param>
/// <param name="NewTokens">What a host that served the previous turn still has to process.</param>
/// <param name="OutputTokens">The answer's expected length.</param>
internal readonly record struct RequestShape(int PromptTokens, int NewTokens, double OutputTokens);

/// <summary>The parts of an expected completion time, in seconds.</summary>
internal readonly record struct CostEstimate(double Wait, double Load, double Prefill, double Decode)
{
    public double Total => Wait + Load + Prefill + Decode;

    /// <summary>From the start in a slot to the last token.</summary>
    public double Service => Load + Prefill + Decode;
}
