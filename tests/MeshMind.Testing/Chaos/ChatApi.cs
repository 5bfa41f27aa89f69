namespace MeshMind.Testing.Chaos;

/// <summary>The chat APIs a node serves, each streamed in its own form.</summary>
public enum ChatApi
{
    /// <summary><c>POST /api/chat</c>: MeshMind's NDJSON events (start, token…, done or error), naming the host.</summary>
    MeshMind,

    /// <summary><c>POST /ollama/api/chat</c>: Ollama's NDJSON lines, ending with <c>"done": true</c> or <c>{"error"}</c>.</summary>
    Ollama,

    /// <summary><c>POST /v1/chat/completions</c>: OpenAI's server-sent events, ending with <c>[DONE]</c> or an error event.</summary>
    OpenAi,
}
