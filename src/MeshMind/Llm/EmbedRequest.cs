using System.Text.Json;

namespace MeshMind.Llm;

/// <summary>
/// Texts to turn into vectors, as MeshMind asks it of any host: front-ends translate their wire requests into this,
/// backends into theirs (Ollama's <c>POST /api/embed</c>, OpenAI's <c>POST /embeddings</c>).
/// </summary>
/// <remarks>
/// Ollama's other request fields (<c>truncate</c>, <c>options</c>, <c>keep_alive</c>, <c>dimensions</c>, and anything
/// newer) travel in <see cref="OllamaExtras"/> by their wire names, so they reach an Ollama host untouched.
/// </remarks>
internal sealed record EmbedRequest(string Model, IReadOnlyList<string> Input)
{
    /// <summary>Ollama request fields passed through untouched, by their wire names.</summary>
    public IReadOnlyDictionary<string, JsonElement>? OllamaExtras { get; init; }

    /// <summary>What a client must send as <c>input</c>, for its 400.</summary>
    public const string InputRule = "'input' must be a string or a non-empty array of strings";

    /// <summary>The texts of an <c>input</c> that is a string or a non-empty array of strings; null for anything else.</summary>
    public static IReadOnlyList<string>? Inputs(JsonElement? input)
    {
        switch (input)
        {
            case { ValueKind: JsonValueKind.String } text:
                return [text.GetString()!];
            case { ValueKind: JsonValueKind.Array } array when array.GetArrayLength() > 0:
                var texts = new List<string>(array.GetArrayLength());
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return null;
                    }

                    texts.Add(item.GetString()!);
                }

                return texts;
            default:
                return null;
        }
    }
}

/// <summary>One vector per input, in the order of the inputs, and what the host reported (durations in nanoseconds).</summary>
internal sealed record EmbedResult(string Model, IReadOnlyList<float[]> Embeddings, long TotalDuration, long LoadDuration, int PromptEvalCount)
{
    /// <summary>The node that computed the vectors (set by the router).</summary>
    public LlmHost? Host { get; init; }
}
