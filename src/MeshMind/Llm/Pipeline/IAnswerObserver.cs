namespace MeshMind.Llm.Pipeline;

/// <summary>
/// A stage of the answer pipeline that learns how each answer that started went: metrics, a peer's health (circuit
/// breaker, time to first token), the local LLM's running averages. Told once per answer, on the thread that ended it.
/// </summary>
internal interface IAnswerObserver
{
    /// <param name="answer">The answer, with its host, model, timing and (when it finished) its result.</param>
    /// <param name="succeeded">It ran to the host's final piece.</param>
    /// <param name="failure">Why it broke (<c>failed_mid_answer</c>, <c>stalled</c>, <c>ended_early</c>); null when it finished, or when the client stopped reading.</param>
    void Finished(LlmAnswer answer, bool succeeded, string? failure);
}
