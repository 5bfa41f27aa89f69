using System.Text.Json.Serialization;

namespace MeshMind.Llm.Models;

/// <summary>The body of Ollama's <c>POST /api/pull</c> and <c>DELETE /api/delete</c> (the latter without <c>stream</c>).</summary>
internal sealed record PullBody(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("stream")] bool? Stream);

/// <summary>The body of Ollama's <c>POST /api/show</c>: the model (<c>model</c>, or the older <c>name</c>); other fields pass through.</summary>
internal sealed class ShowBody
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extras { get; set; }
}

/// <summary>
/// What Ollama's <c>POST /api/show</c> answers (for the API document; the answer itself is passed on as the host's Ollama wrote it).
/// </summary>
internal sealed record OllamaShowResponse(
    [property: JsonPropertyName("modelfile")] string Modelfile,
    [property: JsonPropertyName("parameters")] string Parameters,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("details")] Ollama.OllamaModelDetails Details,
    [property: JsonPropertyName("model_info")] Dictionary<string, System.Text.Json.JsonElement> ModelInfo,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string> Capabilities,
    [property: JsonPropertyName("modified_at")] string ModifiedAt);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PullBody))]
[JsonSerializable(typeof(ShowBody))]
[JsonSerializable(typeof(OllamaShowResponse))]
internal sealed partial class ModelsWireJsonContext : JsonSerializerContext;
