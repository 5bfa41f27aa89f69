using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshMind.Llm.Ollama;

// Ollama's HTTP API as its public documentation describes it (https://github.com/ollama/ollama/blob/main/docs/api.md),
// both ways: what an Ollama client sends this node and what this node sends an Ollama host. Fields MeshMind does not
// model are kept as JSON (extension data), so they pass through a node untouched.

/// <summary><c>POST /api/chat</c>.</summary>
internal sealed class OllamaChatRequest
{
    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    [JsonPropertyName("messages")]
    public List<OllamaMessage>? Messages { get; set; }

    [JsonPropertyName("options")]
    public Dictionary<string, JsonElement>? Options { get; set; }

    /// <summary>Ollama streams unless told <c>false</c>.</summary>
    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    /// <summary><c>format</c>, <c>keep_alive</c>, <c>think</c>, <c>tools</c> and whatever else the client sent.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extras { get; set; }
}

/// <summary>A chat message; <c>tool_calls</c>, <c>thinking</c>, <c>tool_name</c> and the like are kept as they came.</summary>
internal sealed class OllamaMessage
{
    [JsonPropertyName("role")]
    public string Role { get; set; } = "user";

    [JsonPropertyName("content")]
    public string? Content { get; set; }

    [JsonPropertyName("images")]
    public List<string>? Images { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extras { get; set; }
}

/// <summary>
/// <c>POST /api/generate</c>: what MeshMind reads of it is typed, everything else (<c>suffix</c>, <c>format</c>,
/// <c>template</c>, <c>raw</c>, <c>context</c>, <c>keep_alive</c>, <c>think</c>, anything newer) is kept as it came.
/// </summary>
internal sealed class OllamaGenerateRequest
{
    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    [JsonPropertyName("prompt")]
    public string? Prompt { get; set; }

    [JsonPropertyName("system")]
    public string? System { get; set; }

    [JsonPropertyName("images")]
    public List<string>? Images { get; set; }

    [JsonPropertyName("options")]
    public Dictionary<string, JsonElement>? Options { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extras { get; set; }
}

/// <summary>One line of a streamed chat (or the whole answer when not streamed); the last one has <c>done</c> and the statistics.</summary>
internal sealed class OllamaChatLine
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("created_at")]
    public string? CreatedAt { get; set; }

    [JsonPropertyName("message")]
    public OllamaAnswerMessage? Message { get; set; }

    [JsonPropertyName("done")]
    public bool Done { get; set; }

    [JsonPropertyName("done_reason")]
    public string? DoneReason { get; set; }

    [JsonPropertyName("total_duration")]
    public long? TotalDuration { get; set; }

    [JsonPropertyName("load_duration")]
    public long? LoadDuration { get; set; }

    [JsonPropertyName("prompt_eval_count")]
    public int? PromptEvalCount { get; set; }

    [JsonPropertyName("prompt_eval_duration")]
    public long? PromptEvalDuration { get; set; }

    [JsonPropertyName("eval_count")]
    public int? EvalCount { get; set; }

    [JsonPropertyName("eval_duration")]
    public long? EvalDuration { get; set; }
}

/// <summary>The message of an answer line.</summary>
internal sealed class OllamaAnswerMessage
{
    [JsonPropertyName("role")]
    public string Role { get; set; } = "assistant";

    [JsonPropertyName("content")]
    public string? Content { get; set; }

    [JsonPropertyName("thinking")]
    public string? Thinking { get; set; }

    [JsonPropertyName("tool_calls")]
    public JsonElement? ToolCalls { get; set; }
}

/// <summary>One line of a streamed generate (or the whole answer when not streamed).</summary>
internal sealed class OllamaGenerateLine
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("created_at")]
    public string? CreatedAt { get; set; }

    [JsonPropertyName("response")]
    public string Response { get; set; } = "";

    [JsonPropertyName("thinking")]
    public string? Thinking { get; set; }

    [JsonPropertyName("done")]
    public bool Done { get; set; }

    [JsonPropertyName("done_reason")]
    public string? DoneReason { get; set; }

    [JsonPropertyName("total_duration")]
    public long? TotalDuration { get; set; }

    [JsonPropertyName("load_duration")]
    public long? LoadDuration { get; set; }

    [JsonPropertyName("prompt_eval_count")]
    public int? PromptEvalCount { get; set; }

    [JsonPropertyName("prompt_eval_duration")]
    public long? PromptEvalDuration { get; set; }

    [JsonPropertyName("eval_count")]
    public int? EvalCount { get; set; }

    [JsonPropertyName("eval_duration")]
    public long? EvalDuration { get; set; }

    /// <summary>What else the host sent (the final line's <c>context</c>, …), kept as it came.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extras { get; set; }
}

/// <summary><c>GET /api/tags</c> and <c>GET /api/ps</c> as this node serves them.</summary>
internal sealed record OllamaModelList([property: JsonPropertyName("models")] IReadOnlyList<OllamaModelEntry> Models);

internal sealed record OllamaModelEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("modified_at")] string ModifiedAt,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("details")] OllamaModelDetails Details)
{
    [JsonPropertyName("expires_at")]
    public string? ExpiresAt { get; init; }

    [JsonPropertyName("size_vram")]
    public long? SizeVram { get; init; }
}

internal sealed record OllamaModelDetails(
    [property: JsonPropertyName("parent_model")] string ParentModel,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("family")] string Family,
    [property: JsonPropertyName("families")] IReadOnlyList<string> Families,
    [property: JsonPropertyName("parameter_size")] string ParameterSize,
    [property: JsonPropertyName("quantization_level")] string QuantizationLevel);

/// <summary><c>GET /api/tags</c> and <c>GET /api/ps</c> as an Ollama host answers them: only what a capability needs is read.</summary>
internal sealed class OllamaListed
{
    [JsonPropertyName("models")]
    public List<OllamaListedModel>? Models { get; set; }
}

internal sealed class OllamaListedModel
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    [JsonPropertyName("details")]
    public OllamaListedDetails? Details { get; set; }
}

internal sealed class OllamaListedDetails
{
    [JsonPropertyName("family")]
    public string? Family { get; set; }

    [JsonPropertyName("parameter_size")]
    public string? ParameterSize { get; set; }

    [JsonPropertyName("quantization_level")]
    public string? QuantizationLevel { get; set; }
}

internal sealed record OllamaVersion([property: JsonPropertyName("version")] string Version);

internal sealed record OllamaError([property: JsonPropertyName("error")] string Error);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 64)]
[JsonSerializable(typeof(OllamaChatRequest))]
[JsonSerializable(typeof(OllamaGenerateRequest))]
[JsonSerializable(typeof(OllamaChatLine))]
[JsonSerializable(typeof(OllamaGenerateLine))]
[JsonSerializable(typeof(OllamaModelList))]
[JsonSerializable(typeof(OllamaListed))]
[JsonSerializable(typeof(OllamaVersion))]
[JsonSerializable(typeof(OllamaError))]
[JsonSerializable(typeof(OllamaEmbedRequest))]
[JsonSerializable(typeof(OllamaEmbedResponse))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext;
