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

    /// <summary>Functions the model may call, in OpenAI's shape (which is Ollama's too); passed to the host as they came.</summary>
    public JsonElement? Tools { get; set; }

    /// <summary><c>auto</c>, <c>none</c>, <c>required</c> or a named function; passed to the host as it came (Ollama ignores it).</summary>
    public JsonElement? ToolChoice { get; set; }

    /// <summary>
    /// MeshMind's extension, "use mesh files": the last user message is searched across the mesh's shared files and the best
    /// excerpts go to the model with it; the answer carries their <c>sources</c>. OpenAI's clients do not send it.
    /// </summary>
    public bool Knowledge { get; set; }
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

    /// <summary>An assistant's calls of the tools (see <see cref="OpenAiTools"/>).</summary>
    public JsonElement? ToolCalls { get; set; }

    /// <summary>For a <c>tool</c> message: the call it answers.</summary>
    public string? ToolCallId { get; set; }
}

internal sealed record OpenAiCompletion(string Id, [property: JsonPropertyName("object")] string ObjectType, long Created, string Model, IReadOnlyList<OpenAiChoice> Choices, OpenAiUsage Usage)
{
    /// <summary>MeshMind's extension: with <c>"knowledge": true</c>, the excerpts the model was given (absent otherwise).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChatSource>? Sources { get; init; }
}

internal sealed record OpenAiChoice(int Index, OpenAiOutMessage Message, string FinishReason);

/// <summary>The answer's message: its text (null when it only calls tools, as OpenAI sends it) and its tool calls.</summary>
internal sealed record OpenAiOutMessage(string Role, string? Content)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OpenAiToolCall>? ToolCalls { get; init; }
}

/// <summary>A call of a function: its arguments as JSON text; <see cref="Index"/> only in a streamed delta.</summary>
internal sealed record OpenAiToolCall(string Id, string Type, OpenAiFunctionCall Function)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyOrder(-1)]
    public int? Index { get; init; }
}

internal sealed record OpenAiFunctionCall(string Name, string Arguments);

internal sealed record OpenAiChunk(string Id, [property: JsonPropertyName("object")] string ObjectType, long Created, string Model, IReadOnlyList<OpenAiChunkChoice> Choices)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiUsage? Usage { get; init; }

    /// <summary>MeshMind's extension: with <c>"knowledge": true</c>, on the last chunk before <c>[DONE]</c>, the excerpts the model was given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChatSource>? Sources { get; init; }
}

internal sealed record OpenAiChunkChoice(int Index, OpenAiDelta Delta, string? FinishReason);

internal sealed record OpenAiDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OpenAiToolCall>? ToolCalls { get; init; }
}

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

    /// <summary>Pieces of tool calls: the first of each call has its index, id and name, the rest more of its arguments' text.</summary>
    public List<OpenAiStreamToolCall>? ToolCalls { get; set; }
}

internal sealed class OpenAiStreamToolCall
{
    public int Index { get; set; }

    public string? Id { get; set; }

    public OpenAiStreamFunction? Function { get; set; }
}

internal sealed class OpenAiStreamFunction
{
    public string? Name { get; set; }

    public string? Arguments { get; set; }
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
[JsonSerializable(typeof(OpenAiCompletionRequest))]
[JsonSerializable(typeof(OpenAiTextCompletion))]
[JsonSerializable(typeof(OpenAiEmbeddingList))]
[JsonSerializable(typeof(OpenAiListedEmbeddings))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
