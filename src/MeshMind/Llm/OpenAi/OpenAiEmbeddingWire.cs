using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// <c>POST /v1/embeddings</c>: <c>input</c> is a string or an array of strings; <c>encoding_format</c> is <c>float</c>
/// (the default) or <c>base64</c> (little-endian float32s). Other fields (<c>dimensions</c>, <c>user</c>, …) are passed
/// on to the host as Ollama request fields, which is what Ollama's own OpenAI endpoint does with <c>dimensions</c>.
/// </summary>
internal sealed class OpenAiEmbeddingRequest
{
    public string? Model { get; set; }

    /// <summary>A string or an array of strings (token arrays are refused).</summary>
    public JsonElement? Input { get; set; }

    public string? EncodingFormat { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extras { get; set; }
}

/// <summary>The answer: one embedding per input, with its index.</summary>
internal sealed record OpenAiEmbeddingList(
    [property: JsonPropertyName("object")] string ObjectType,
    IReadOnlyList<OpenAiEmbedding> Data,
    string Model,
    OpenAiEmbeddingUsage Usage);

/// <summary>One vector: an array of numbers, or with <c>"encoding_format": "base64"</c> a string of little-endian float32s.</summary>
internal sealed record OpenAiEmbedding([property: JsonPropertyName("object")] string ObjectType, int Index, JsonElement Embedding);

internal sealed record OpenAiEmbeddingUsage(int PromptTokens, int TotalTokens);

/// <summary>The answer of an OpenAI-compatible server's <c>POST /embeddings</c>, as this node reads it.</summary>
internal sealed class OpenAiListedEmbeddings
{
    public string? Model { get; set; }

    public List<OpenAiListedEmbedding>? Data { get; set; }

    public OpenAiStreamUsage? Usage { get; set; }
}

internal sealed class OpenAiListedEmbedding
{
    public int Index { get; set; }

    public float[]? Embedding { get; set; }
}
