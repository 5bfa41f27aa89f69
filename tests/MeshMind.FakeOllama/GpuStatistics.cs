namespace MeshMind.FakeOllama;

/// <summary>
/// How a finished request spent its time, with Ollama's meaning of its final statistics: <see cref="Total"/> is
/// <c>total_duration</c> (arrival to last token, waiting included), <see cref="Load"/> <c>load_duration</c>,
/// <see cref="PromptEvalCount"/> and <see cref="PromptEval"/> the prompt tokens actually processed (after the prefix cache)
/// and the time they took, <see cref="EvalCount"/> and <see cref="Eval"/> the tokens generated and the time they took.
/// </summary>
public sealed record GpuStatistics(TimeSpan Queued, TimeSpan Load, int PromptEvalCount, TimeSpan PromptEval, int EvalCount, TimeSpan Eval)
{
    /// <summary>Arrival to last token: the four parts add up to it exactly.</summary>
    public TimeSpan Total => Queued + Load + PromptEval + Eval;
}
