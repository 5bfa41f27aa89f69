namespace MeshMind.FakeOllama;

/// <summary>What <c>/api/pull</c> can fetch, and how fast.</summary>
public sealed partial class FakeOllamaOptions
{
    /// <summary>The "registry": models <c>/api/pull</c> finds (besides those already in <see cref="Models"/>); any other name is unknown.</summary>
    public List<FakeModel> Pullable { get; set; } =
    [
        new("llama3.2:1b", "llama", "1.2B", 1_321_098_329),
        new("qwen2.5:0.5b", "qwen2", "494.03M", 397_821_319),
    ];

    /// <summary>
    /// How fast a pull downloads the model's layer, on <see cref="TimeProvider"/>, with a progress line every
    /// <see cref="PullInterval"/>. 0 (the default): at once, in a few progress lines.
    /// </summary>
    public double PullBytesPerSecond { get; set; }

    public TimeSpan PullInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
