namespace MeshMind.Llm;

/// <summary>How a finished answer went, in Ollama's terms (durations in nanoseconds), whichever host gave it.</summary>
internal sealed record LlmResult
{
    /// <summary><c>stop</c> (the model ended), <c>length</c> (it hit the token limit), or what the host said.</summary>
    public string DoneReason { get; init; } = "stop";

    /// <summary>Text on the final piece itself (empty when streamed, as the pieces carried it).</summary>
    public string Content { get; init; } = "";

    public long TotalDuration { get; init; }

    public long LoadDuration { get; init; }

    public int PromptEvalCount { get; init; }

    public long PromptEvalDuration { get; init; }

    public int EvalCount { get; init; }

    public long EvalDuration { get; init; }

    /// <summary>Fields of an Ollama host's final line that MeshMind does not model (generate's <c>context</c>, …), passed on untouched.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? OllamaExtras { get; init; }

    /// <summary>Generation speed, when the host reported tokens and time.</summary>
    public double? TokensPerSecond => EvalCount > 0 && EvalDuration > 0 ? EvalCount / (EvalDuration / 1e9) : null;
}
