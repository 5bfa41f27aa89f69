namespace MeshMind.Testing.Load;

/// <summary>
/// One streamed chat as the client saw it. <see cref="Error"/> is null only when the stream ended properly (Ollama's
/// <c>done</c>, the seed's done event, OpenAI's <c>[DONE]</c>) and the text received is the whole expected reply.
/// </summary>
/// <param name="Api">The API it went through.</param>
/// <param name="Error">What went wrong (a status, a connection error, an error line, a cut or incomplete reply), or null.</param>
/// <param name="TtftMs">Time from sending to the first non-empty token, ms (NaN when none came).</param>
/// <param name="TotalMs">Time from sending to the end of the stream (or the failure), ms.</param>
/// <param name="Tokens">Non-empty tokens received.</param>
public sealed record LoadChatResult(LoadApi Api, string? Error, double TtftMs, double TotalMs, int Tokens)
{
    public bool Ok => Error is null;
}
