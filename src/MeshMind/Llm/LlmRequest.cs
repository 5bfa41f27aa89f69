using System.Text.Json;

namespace MeshMind.Llm;

/// <summary>
/// A chat as MeshMind asks it of any host, whatever protocol the client spoke and whatever the host speaks. Front-ends
/// translate their wire requests into this; backends translate it into theirs.
/// </summary>
/// <remarks>
/// The fields of Ollama's request that MeshMind does not model (<c>format</c>, <c>keep_alive</c>, <c>think</c>,
/// <c>tools</c>, and anything newer) travel in <see cref="OllamaExtras"/> by their wire names, so an Ollama client talking
/// through the mesh to an Ollama host loses nothing on the way; a host of another protocol ignores them.
/// </remarks>
internal sealed record LlmRequest
{
    /// <summary>The model as asked (<c>llama3</c>); the router sets each host's own name for it (<c>llama3:latest</c>).</summary>
    public string Model { get; init; } = "";

    public required IReadOnlyList<LlmMessage> Messages { get; init; }

    public GenerationOptions? Options { get; init; }

    /// <summary>
    /// Set when the client asked to complete a prompt rather than to chat (Ollama's <c>/api/generate</c>, OpenAI's
    /// <c>/v1/completions</c>): an Ollama host gets <c>POST /api/generate</c> with this prompt, the system message and the
    /// user message's images, and every field in <see cref="OllamaExtras"/> (<c>raw</c>, <c>suffix</c>, <c>template</c>,
    /// <c>context</c>, …); a host of another protocol gets <see cref="Messages"/>, the equivalent chat.
    /// </summary>
    public LlmPrompt? Prompt { get; init; }

    /// <summary>Ollama request fields passed through untouched, by their wire names.</summary>
    public IReadOnlyDictionary<string, JsonElement>? OllamaExtras { get; init; }
}

/// <summary>The prompt of a completion, as the client wrote it (see <see cref="LlmRequest.Prompt"/>).</summary>
internal sealed record LlmPrompt(string Text);

/// <summary>One message of a chat: <c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>, its text, and images (base64).</summary>
internal sealed record LlmMessage(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string Tool = "tool";

    public IReadOnlyList<string>? Images { get; init; }

    /// <summary>Ollama message fields passed through untouched (<c>tool_calls</c>, <c>thinking</c>, <c>tool_name</c>, …).</summary>
    public IReadOnlyDictionary<string, JsonElement>? OllamaExtras { get; init; }
}

/// <summary>How to sample the answer; null fields are left to the host.</summary>
internal sealed record GenerationOptions
{
    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    /// <summary>The most tokens to generate (Ollama's <c>num_predict</c>, OpenAI's <c>max_tokens</c>).</summary>
    public int? MaxTokens { get; init; }

    public long? Seed { get; init; }

    public IReadOnlyList<string>? Stop { get; init; }

    public double? PresencePenalty { get; init; }

    public double? FrequencyPenalty { get; init; }

    /// <summary>Ollama options MeshMind does not model (<c>num_ctx</c>, <c>mirostat</c>, …), passed through untouched.</summary>
    public IReadOnlyDictionary<string, JsonElement>? OllamaExtras { get; init; }
}
