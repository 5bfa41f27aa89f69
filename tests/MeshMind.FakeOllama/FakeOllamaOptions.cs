namespace MeshMind.FakeOllama;

/// <summary>What the scripted server pretends to host and how it misbehaves.</summary>
public sealed partial class FakeOllamaOptions
{
    public List<FakeModel> Models { get; set; } =
    [
        new("llama3:latest", "llama", "8.0B", 4_661_224_676),
        new("phi3:mini", "phi3", "3.8B", 2_176_178_913),
    ];

    /// <summary>Models reported by <c>/api/ps</c> as loaded; by default the first one.</summary>
    public List<string>? Loaded { get; set; }

    /// <summary>Pause before each streamed token (token pacing); ignored when <see cref="TokensPerSecond"/> is set.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Stream at this many tokens per second, on a schedule (see <see cref="TokenSchedule"/>): the first token at once, and
    /// after each wake-up every token whose time has come, so timer granularity does not lower the rate. 0: not paced.
    /// </summary>
    public double TokensPerSecond { get; set; }

    /// <summary>
    /// Serve chat and generate as a GPU running Ollama would (slots and queue, shared decode rate, prefill with a prefix
    /// cache, model loading and keep-alive; see <see cref="GpuSimulation"/>); <see cref="TokenDelay"/> and
    /// <see cref="TokensPerSecond"/> are then ignored, and <see cref="Loaded"/> says what is in memory at the start.
    /// Null (the default): tokens come as paced by those two, with fixed statistics.
    /// </summary>
    public GpuOptions? Gpu { get; set; }

    /// <summary>The clock that <see cref="TokensPerSecond"/> and <see cref="Gpu"/> run on.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>A fixed reply; otherwise the reply echoes the last user message.</summary>
    public string? Reply { get; set; }

    /// <summary>How many numbers each <c>/api/embed</c> vector has (enough that the hashed trigrams of a few paragraphs rarely collide).</summary>
    public int EmbeddingDimensions { get; set; } = 256;

    public FakeFault Fault { get; set; } = FakeFault.None;

    /// <summary>For the faults that happen after some tokens: <see cref="FakeFault.DieAfterTokens"/>, <see cref="FakeFault.StallAfterTokens"/>,
    /// <see cref="FakeFault.ErrorAfterTokens"/>, <see cref="FakeFault.EndAfterTokens"/>.</summary>
    public int FaultAfterTokens { get; set; } = 3;

    public string Version { get; set; } = "0.12.6";

    /// <summary>
    /// Pause before answering <c>/api/tags</c> and <c>/api/ps</c> (a busy machine, or Ollama loading a model); the pause
    /// ends early when the client gives up. <see cref="Timeout.InfiniteTimeSpan"/> answers only a client that waits forever.
    /// </summary>
    public TimeSpan ListDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// An Ollama models directory (<c>manifests/</c>, <c>blobs/</c>): its models are listed by <c>/api/tags</c> besides
    /// <see cref="Models"/>, and <c>/api/blobs</c> and <c>/api/create</c> write into it. Null: no models directory.
    /// </summary>
    public string? ModelsDir { get; set; }

    /// <summary>Keep the bytes of the last streamed answer in <see cref="FakeOllamaServer.LastStream"/>.</summary>
    public bool KeepLastStream { get; set; }
}

public sealed record FakeModel(string Name, string Family, string ParameterSize, long Size)
{
    /// <summary>The model's digest as <c>/api/tags</c> lists it (64 hex digits); null: SHA-256 of the name.</summary>
    public string? Digest { get; init; }
}

public enum FakeFault
{
    None,

    /// <summary>Accept TCP connections and close them at once.</summary>
    Refuse,

    /// <summary>Answer chat and generate with 500.</summary>
    ServerError,

    /// <summary>Stream some tokens, then cut the connection.</summary>
    DieAfterTokens,

    /// <summary>Stream some tokens, then send nothing more while keeping the connection open.</summary>
    StallAfterTokens,

    /// <summary>Stream some tokens, then Ollama's error line (<c>{"error": "..."}</c>) and end the response.</summary>
    ErrorAfterTokens,

    /// <summary>Stream some tokens, then end the response properly but without the final line.</summary>
    EndAfterTokens,

    /// <summary>Stream every token, then a final line whose statistics are not numbers.</summary>
    BrokenFinalLine,
}
