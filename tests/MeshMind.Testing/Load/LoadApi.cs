namespace MeshMind.Testing.Load;

/// <summary>The node APIs people stream chats through, each with its own framing.</summary>
public enum LoadApi
{
    /// <summary><c>POST /ollama/api/chat</c>: Ollama's NDJSON, <c>message.content</c> per line, ends with <c>done: true</c>.</summary>
    Ollama,

    /// <summary><c>POST /api/chat</c> with <c>message</c> (the web UI's): NDJSON events start, token…, done (with the whole reply) or error; saved as a conversation.</summary>
    Seed,

    /// <summary><c>POST /v1/chat/completions</c>: server-sent events with <c>choices[0].delta.content</c>, ending <c>data: [DONE]</c>.</summary>
    OpenAi,
}
