namespace MeshMind.Llm.Scheduling;

/// <summary>
/// What one host has been measured to do with one model, from the statistics on the last line of its answers (Ollama's
/// <c>prompt_eval_*</c>, <c>eval_*</c>, <c>load_duration</c>): running averages of the prompt processing rate, of each stream's
/// decode rate at each number of streams decoding together, and of the time to load the model, and when it last answered.
/// </summary>
/// <remarks>Not thread-safe: <see cref="SchedulerStats"/> guards it.</remarks>
internal sealed class HostModelStats
{
    /// <summary>Streams decoding together that are told apart; more count as this many.</summary>
    public const int MaxConcurrency = 32;

    /// <summary>
    /// How a stream's rate falls with the streams decoding beside it when only another count was measured: a GPU batches them,
    /// so n streams decode about √n times the tokens of one, each at 1/√n of the speed (the usual shape; measured counts
    /// replace it).
    /// </summary>
    private const double ScalingExponent = 0.5;

    private const double Smoothing = 0.3;
    private readonly double?[] _decode = new double?[MaxConcurrency + 1];

    /// <summary>Prompt tokens processed per second, if measured.</summary>
    public double? PrefillTokensPerSecond { get; private set; }

    /// <summary>Seconds to load the model, if a load was measured.</summary>
    public double? LoadSeconds { get; private set; }

    /// <summary>When the host last finished an answer with the model (it is then likely still in its memory).</summary>
    public DateTimeOffset? LastServed { get; private set; }

    public void Observe(LlmResult result, int concurrency, DateTimeOffset now)
    {
        if (result.PromptEvalCount >= 8 && result.PromptEvalDuration > 0)
        {
            PrefillTokensPerSecond = Average(PrefillTokensPerSecond, result.PromptEvalCount / (result.PromptEvalDuration / 1e9));
        }

        if (result.TokensPerSecond is { } rate && result.EvalCount >= 4)
        {
            var n = Math.Clamp(concurrency, 1, MaxConcurrency);
            _decode[n] = Average(_decode[n], rate);
        }

        if (result.LoadDuration > 50_000_000)
        {
            // Ollama reports a few milliseconds of load_duration for a model already in memory: only a real load counts.
            LoadSeconds = Average(LoadSeconds, result.LoadDuration / 1e9);
        }

        LastServed = now;
    }

    /// <summary>
    /// Each stream's decode rate with <paramref name="streams"/> decoding together: measured at that count, else scaled from the
    /// nearest count measured, else null.
    /// </summary>
    public double? DecodeTokensPerSecond(int streams)
    {
        var n = Math.Clamp(streams, 1, MaxConcurrency);
        if (_decode[n] is { } exact)
        {
            return exact;
        }

        for (var distance = 1; distance <= MaxConcurrency; distance++)
        {
            foreach (var m in (ReadOnlySpan<int>)[n - distance, n + distance])
            {
                if (m is >= 1 and <= MaxConcurrency && _decode[m] is { } near)
                {
                    return Scale(near, m, n);
                }
            }
        }

        return null;
    }

    /// <summary>A stream's rate measured with <paramref name="from"/> streams, for <paramref name="to"/> streams.</summary>
    public static double Scale(double rate, int from, int to) => rate * Math.Pow((double)from / to, 1 - ScalingExponent);

    private static double Average(double? average, double sample) => average is { } a ? a + (Smoothing * (sample - a)) : sample;
}
