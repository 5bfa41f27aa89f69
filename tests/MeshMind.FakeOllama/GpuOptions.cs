namespace MeshMind.FakeOllama;

/// <summary>
/// How a simulated host serves its models, the way a GPU running Ollama does (see <see cref="GpuSimulation"/>). Every
/// figure is configurable; the defaults are a modest consumer GPU with Ollama's own defaults for the queue and the keep-alive.
/// </summary>
/// <remarks>
/// <para>Decoding: the streams decoding at one moment share an aggregate rate that grows with their number, less than
/// linearly (a GPU batches them, memory bandwidth bounds it):
/// <c>aggregate(n) = TokensPerSecond × n^ScalingExponent</c>, each stream getting <c>aggregate(n) / n</c>. With the default
/// exponent 0.5, four streams decode twice the tokens of one, each at half the speed. The saturated rate of the host is
/// <c>aggregate(Slots)</c>.</para>
/// <para>Prefill: the prompt is processed at <see cref="PrefillTokensPerSecond"/> before the first token, counting
/// <see cref="CharsPerToken"/> characters a token. A prompt that extends one this host processed recently (for the same model,
/// still in its prefix cache of <see cref="PrefixCacheEntries"/> prompts) pays only for the characters after the common
/// prefix: <c>prompt_eval_count = max(1, ⌈(prompt chars − cached prefix chars) / CharsPerToken⌉)</c>.</para>
/// </remarks>
public sealed class GpuOptions
{
    /// <summary>Requests served at once, like <c>OLLAMA_NUM_PARALLEL</c>.</summary>
    public int Slots { get; set; } = 1;

    /// <summary>
    /// Requests that may wait for a slot, like <c>OLLAMA_MAX_QUEUE</c> (Ollama's default, 512); one more is answered
    /// 503 with Ollama's "server busy" error.
    /// </summary>
    public int MaxQueue { get; set; } = 512;

    /// <summary>Decode rate of a stream alone on the GPU, in tokens per second.</summary>
    public double TokensPerSecond { get; set; } = 50;

    /// <summary>α in <c>aggregate(n) = TokensPerSecond × n^α</c>, from 0 (parallel streams add nothing) to 1 (each stream as fast as alone).</summary>
    public double ScalingExponent { get; set; } = 0.5;

    /// <summary>Prompt processing rate before the first token, in tokens per second.</summary>
    public double PrefillTokensPerSecond { get; set; } = 1_000;

    /// <summary>Characters counted as one token (prompts are text here, not tokens).</summary>
    public double CharsPerToken { get; set; } = 4;

    /// <summary>Prompts kept in the prefix cache (least recently used goes first); null: one per slot, as Ollama keeps a cache per slot.</summary>
    public int? PrefixCacheEntries { get; set; }

    /// <summary>Time to load a model that is not in memory before its first request can start.</summary>
    public TimeSpan LoadTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a model stays loaded after its last request, like <c>OLLAMA_KEEP_ALIVE</c> (Ollama's default, 5 minutes);
    /// a request's <c>keep_alive</c> overrides it. Zero unloads at once, negative keeps it loaded.
    /// </summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tokens per second decoded by all of <paramref name="streams"/> together.</summary>
    public double AggregateTokensPerSecond(int streams) => streams <= 0 ? 0 : TokensPerSecond * Math.Pow(streams, ScalingExponent);

    /// <summary>Tokens per second of each of <paramref name="streams"/> decoding together.</summary>
    public double StreamTokensPerSecond(int streams) => streams <= 0 ? TokensPerSecond : AggregateTokensPerSecond(streams) / streams;

    /// <summary>The tokens counted for <paramref name="chars"/> characters of prompt still to process (at least one).</summary>
    public int PromptTokens(int chars) => Math.Max(1, (int)Math.Ceiling(chars / CharsPerToken));

    internal int CacheCapacity => PrefixCacheEntries ?? Slots;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Slots, 1, nameof(Slots));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxQueue, nameof(MaxQueue));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TokensPerSecond, nameof(TokensPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegative(ScalingExponent, nameof(ScalingExponent));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ScalingExponent, 1, nameof(ScalingExponent));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PrefillTokensPerSecond, nameof(PrefillTokensPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CharsPerToken, nameof(CharsPerToken));
        ArgumentOutOfRangeException.ThrowIfNegative(CacheCapacity, nameof(PrefixCacheEntries));
        ArgumentOutOfRangeException.ThrowIfLessThan(LoadTime, TimeSpan.Zero, nameof(LoadTime));
    }
}
