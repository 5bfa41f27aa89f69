using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshMind.Llm.Ollama;

/// <summary>
/// <c>POST /api/embed</c> (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings): <c>input</c> is a
/// string or an array of strings; <c>truncate</c>, <c>options</c>, <c>keep_alive</c>, <c>dimensions</c> and any other
/// field are kept as JSON and pass through a node untouched.
/// </summary>
internal sealed class OllamaEmbedRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>A string or an array of strings.</summary>
    [JsonPropertyName("input")]
    public JsonElement? Input { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extras { get; set; }
}

/// <summary>The answer to <c>POST /api/embed</c>: one vector per input, and the host's statistics (nanoseconds).</summary>
internal sealed class OllamaEmbedResponse
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("embeddings")]
    public List<float[]>? Embeddings { get; set; }

    [JsonPropertyName("total_duration")]
    public long? TotalDuration { get; set; }

    [JsonPropertyName("load_duration")]
    public long? LoadDuration { get; set; }

    [JsonPropertyName("prompt_eval_count")]
    public int? PromptEvalCount { get; set; }
}
