using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// OpenAI's legacy <c>POST /v1/completions</c>: <c>prompt</c> is a string or an array of strings (one choice each; token
/// arrays are refused), completed as written (see <see cref="OpenAiCompletions"/>). <c>n</c>, <c>best_of</c>, <c>echo</c>
/// and <c>logprobs</c> are refused unless left at their defaults; other fields are ignored.
/// </summary>
internal sealed class OpenAiCompletionRequest
{
    public string? Model { get; set; }

    public JsonElement? Prompt { get; set; }

    /// <summary>Text that comes after the completion (fill in the middle); passed to an Ollama host as <c>suffix</c>.</summary>
    public string? Suffix { get; set; }

    public bool Stream { get; set; }

    public OpenAiStreamOptions? StreamOptions { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? MaxTokens { get; set; }

    public int? Seed { get; set; }

    public float? PresencePenalty { get; set; }

    public float? FrequencyPenalty { get; set; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; set; }

    public int? N { get; set; }

    public int? BestOf { get; set; }

    public bool? Echo { get; set; }

    public int? Logprobs { get; set; }
}

/// <summary>The answer (<c>"object": "text_completion"</c>), whole or as one streamed chunk; a chunk has usage only when it is the usage chunk.</summary>
internal sealed record OpenAiTextCompletion(string Id, [property: JsonPropertyName("object")] string ObjectType, long Created, string Model,
    IReadOnlyList<OpenAiTextChoice> Choices)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiUsage? Usage { get; init; }
}

/// <summary>One prompt's completion; <c>logprobs</c> is always null (not supported).</summary>
internal sealed record OpenAiTextChoice(string Text, int Index, JsonElement? Logprobs, string? FinishReason);
