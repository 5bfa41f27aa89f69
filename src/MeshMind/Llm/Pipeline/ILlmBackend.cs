namespace MeshMind.Llm.Pipeline;

/// <summary>
/// A host that can answer chats: this node's Ollama, an OpenAI-compatible server, or a peer's mesh port. Translates a
/// <see cref="LlmRequest"/> into its own protocol and its host's response into a <see cref="BackendAnswer"/>.
/// </summary>
internal interface ILlmBackend
{
    /// <summary>Sends the chat and returns once the host accepted it, before the first piece of the answer.</summary>
    /// <param name="request">The chat, its model named as this host names it.</param>
    /// <param name="cancellationToken">Ends the request and, later, the answer (disposing the response, also during a read).</param>
    /// <exception cref="HttpRequestException">The host could not be reached or answered with an error status.</exception>
    Task<BackendAnswer> SendAsync(LlmRequest request, CancellationToken cancellationToken);

    /// <summary>Turns the request's texts into vectors, one per input in order; returns once the host answered in full.</summary>
    /// <param name="request">The texts, the model named as this host names it.</param>
    /// <param name="cancellationToken">Ends the request at the host.</param>
    /// <exception cref="HttpRequestException">The host could not be reached, answered with an error status, or not with one vector per input.</exception>
    Task<EmbedResult> EmbedAsync(EmbedRequest request, CancellationToken cancellationToken);
}

/// <summary>A backend this node hosts itself, which can say what it serves.</summary>
internal interface ILocalBackend : ILlmBackend
{
    /// <summary>The models the backend serves now, and which are loaded; throws when it does not answer.</summary>
    Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken);
}
