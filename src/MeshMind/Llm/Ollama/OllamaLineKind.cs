namespace MeshMind.Llm.Ollama;

/// <summary>What one line of an Ollama NDJSON answer is, as far as passing it on needs to know.</summary>
// Public only because tests take it as theory data.
public enum OllamaLineKind
{
    /// <summary>A part of the answer (<c>"done": false</c>).</summary>
    Chunk,

    /// <summary>The last line, with Ollama's statistics (<c>"done": true</c>).</summary>
    Done,

    /// <summary>Ollama's error form, <c>{"error": "..."}</c>.</summary>
    Error,

    /// <summary>Not one JSON object: a broken or cut-off line.</summary>
    Invalid,
}
