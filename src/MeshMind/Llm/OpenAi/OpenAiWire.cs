using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshMind.Llm.OpenAi;

/// <summary>The parts of OpenAI's chat completions request that map onto Ollama; others are accepted and ignored.</summary>
internal sealed class OpenAiChatRequest
{
    public string? Model { get; set; }

    public List<OpenAiMessage>? Messages { get; set; }

    public bool Stream { get; set; }

    public OpenAiStreamOptions? StreamOptions { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public int? Seed { get; set; }

    public float? PresencePenalty { get; set; }

    public float? FrequencyPenalty { get; set; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; set; }
}

internal sealed class OpenAiStreamOptions
{
    public bool IncludeUsage { get; set; }
}

internal sealed class OpenAiMessage
{
    public string Role { get; set; } = "";

    /// <summary>A string, or an array of content parts (<c>{"type":"text","text":...}</c>, <c>{"type":"image_url",...}</c>).</summary>
    public JsonElement? Content { get; set; }
}

internal sealed record OpenAiCompletion(string Id, [property: JsonPropertyName("object")] string ObjectType, long Created, string Model, IReadOnlyList<OpenAiChoice> Choices, OpenAiUsage Usage);

internal sealed record OpenAiChoice(int Index, OpenAiOutMessage Message, string FinishReason);

internal sealed record OpenAiOutMessage(string Role, string Content);

internal sealed record OpenAiChunk(string Id, [property: JsonPropertyName("object")] string ObjectType, long Created, string Model, IReadOnlyList<OpenAiChunkChoice> Choices)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiUsage? Usage { get; init; }
}

internal sealed record OpenAiChunkChoice(int Index, OpenAiDelta Delta, string? FinishReason);

internal sealed record OpenAiDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

internal sealed record OpenAiUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

internal sealed record OpenAiModelList([property: JsonPropertyName("object")] string ObjectType, IReadOnlyList<OpenAiModel> Data);

internal sealed record OpenAiModel(string Id, [property: JsonPropertyName("object")] string ObjectType, long Created, string OwnedBy);

internal sealed record OpenAiErrorResponse(OpenAiError Error);

internal sealed record OpenAiError(string Message, string Type, string? Param, string? Code);

/// <summary>One event of a streamed completion as an OpenAI-compatible server sends it; only what an answer needs is read.</summary>
internal sealed class OpenAiStreamEvent
{
    public List<OpenAiStreamChoice>? Choices { get; set; }

    public OpenAiStreamUsage? Usage { get; set; }

    public OpenAiStreamError? Error { get; set; }
}

internal sealed class OpenAiStreamChoice
{
    public OpenAiStreamDelta? Delta { get; set; }

    public string? FinishReason { get; set; }
}

internal sealed class OpenAiStreamDelta
{
    public string? Content { get; set; }
}

internal sealed class OpenAiStreamUsage
{
    public long? PromptTokens { get; set; }

    public long? CompletionTokens { get; set; }
}

internal sealed class OpenAiStreamError
{
    public string? Message { get; set; }
}

/// <summary><c>GET /models</c> of an OpenAI-compatible server.</summary>
internal sealed class OpenAiListedModels
{
    public List<OpenAiListedModel>? Data { get; set; }
}

internal sealed class OpenAiListedModel
{
    public string? Id { get; set; }
}

/// <summary>The error body of an OpenAI-compatible server (<c>{"error": {"message": …}}</c>).</summary>
internal sealed class OpenAiErrorBody
{
    public OpenAiStreamError? Error { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    MaxDepth = 32)]
[JsonSerializable(typeof(OpenAiChatRequest))]
[JsonSerializable(typeof(OpenAiCompletion))]
[JsonSerializable(typeof(OpenAiChunk))]
[JsonSerializable(typeof(OpenAiModelList))]
[JsonSerializable(typeof(OpenAiErrorResponse))]
[JsonSerializable(typeof(OpenAiStreamEvent))]
[JsonSerializable(typeof(OpenAiListedModels))]
[JsonSerializable(typeof(OpenAiErrorBody))]
[JsonSerializable(typeof(OpenAiEmbeddingRequest))]
[JsonSerializable(typeof(OpenAiEmbeddingList))]
[JsonSerializable(typeof(OpenAiListedEmbeddings))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
