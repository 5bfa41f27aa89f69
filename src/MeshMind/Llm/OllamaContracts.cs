using System.Text.Json.Serialization;

namespace MeshMind.Llm;

/// <summary><c>GET /api/tags</c> and <c>GET /api/ps</c> in Ollama's shape.</summary>
public sealed record OllamaModelList([property: JsonPropertyName("models")] IReadOnlyList<OllamaModelEntry> Models);

public sealed record OllamaModelEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("modified_at")] string ModifiedAt,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("details")] OllamaModelDetails Details)
{
    [JsonPropertyName("expires_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ExpiresAt { get; init; }

    [JsonPropertyName("size_vram")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeVram { get; init; }
}

public sealed record OllamaModelDetails(
    [property: JsonPropertyName("parent_model")] string ParentModel,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("family")] string Family,
    [property: JsonPropertyName("families")] IReadOnlyList<string> Families,
    [property: JsonPropertyName("parameter_size")] string ParameterSize,
    [property: JsonPropertyName("quantization_level")] string QuantizationLevel);

public sealed record OllamaVersion([property: JsonPropertyName("version")] string Version);

public sealed record OllamaError([property: JsonPropertyName("error")] string Error);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(OllamaModelList))]
[JsonSerializable(typeof(OllamaVersion))]
[JsonSerializable(typeof(OllamaError))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext;

/// <summary>OllamaSharp's request and response types with their Ollama field names (OllamaSharp's own context is internal).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 64)]
[JsonSerializable(typeof(OllamaSharp.Models.Chat.ChatRequest))]
[JsonSerializable(typeof(OllamaSharp.Models.GenerateRequest))]
[JsonSerializable(typeof(OllamaSharp.Models.Chat.ChatResponseStream))]
[JsonSerializable(typeof(OllamaSharp.Models.Chat.ChatDoneResponseStream))]
[JsonSerializable(typeof(OllamaSharp.Models.GenerateResponseStream))]
[JsonSerializable(typeof(OllamaSharp.Models.GenerateDoneResponseStream))]
internal sealed partial class OllamaWireContext : JsonSerializerContext;
