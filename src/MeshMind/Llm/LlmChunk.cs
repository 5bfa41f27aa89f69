using System.Text.Json;

namespace MeshMind.Llm;

/// <summary>A piece of an answer as it streams: usually a token or a few.</summary>
/// <param name="Content">The text of this piece (may be empty, e.g. when it carries only thinking or tool calls).</param>
internal sealed record LlmChunk(string Content)
{
    /// <summary>A reasoning model's thinking, when the host sends it apart from the answer.</summary>
    public string? Thinking { get; init; }

    /// <summary>Tool calls in the host's own (Ollama) shape, when it makes any.</summary>
    public JsonElement? ToolCalls { get; init; }
}
