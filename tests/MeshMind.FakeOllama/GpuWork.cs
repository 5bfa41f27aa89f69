namespace MeshMind.FakeOllama;

/// <summary>One request for a simulated GPU.</summary>
/// <param name="Model">The model it runs on.</param>
/// <param name="Prompt">The prompt as the model sees it (for a chat, every message rendered in order).</param>
/// <param name="OutputTokens">Tokens it generates.</param>
/// <param name="PromptAfterAnswer">What the prefix cache holds once the answer is done (the prompt followed by the answer as the
/// next request of the conversation will render it); null: the prompt.</param>
/// <param name="KeepAlive">The request's <c>keep_alive</c>; null: <see cref="GpuOptions.KeepAlive"/>.</param>
public sealed record GpuWork(string Model, string Prompt, int OutputTokens, string? PromptAfterAnswer = null, TimeSpan? KeepAlive = null);
