using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MeshMind.FakeOllama;

/// <summary>
/// <c>POST /api/embed</c> as Ollama documents it: <c>input</c> a string or an array of strings, answered with one vector
/// per input (<see cref="EmbeddingFor"/>: deterministic, unit length, close for texts that share words), for the models the fixture lists only.
/// </summary>
public sealed partial class FakeOllamaServer
{
    private int _embedRequests;

    /// <summary><c>/api/embed</c> requests received.</summary>
    public int EmbedRequests => Volatile.Read(ref _embedRequests);

    /// <summary>The body of the last <c>/api/embed</c> request, as received.</summary>
    public JsonObject? LastEmbedRequest { get; private set; }

    /// <summary>
    /// The vector this fixture answers for <paramref name="input"/> with <paramref name="model"/>: a hashed bag of character
    /// trigrams (fastText's subwords), so texts that share words, or forms of a word ("churn", "churning"), are close by cosine
    /// and unrelated texts are not, as with a real embedding model. Each lower-case word of letters and digits, marked at both
    /// ends (<c>&lt;churn&gt;</c>), gives its trigrams; each trigram adds ±1 at a place that SHA-256 of the model and the
    /// trigram picks. The vector is scaled to unit length, as Ollama's are; a text without words gets the model's own vector.
    /// </summary>
    public static float[] EmbeddingFor(string model, string input, int dimensions)
    {
        var vector = new float[dimensions];
        var features = Trigrams(input).ToList();
        if (features.Count == 0)
        {
            features.Add("\n");
        }

        Span<byte> hash = stackalloc byte[32];
        foreach (var feature in features)
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + feature), hash);
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(hash);
            vector[(int)(bits % (uint)dimensions)] += (hash[4] & 1) == 0 ? 1 : -1;
        }

        var norm = (float)Math.Sqrt(vector.Sum(v => (double)v * v));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = norm == 0 ? (i == 0 ? 1 : 0) : vector[i] / norm;
        }

        return vector;
    }

    private static IEnumerable<string> Trigrams(string input)
    {
        var word = new StringBuilder();
        foreach (var c in input + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 0)
            {
                var marked = "<" + word + ">";
                for (var i = 0; i + 3 <= marked.Length; i++)
                {
                    yield return marked.Substring(i, 3);
                }

                word.Clear();
            }
        }
    }

    private async Task EmbedAsync(HttpContext context)
    {
        Interlocked.Increment(ref _embedRequests);
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        LastEmbedRequest = request;
        if (await KnownModelAsync(context, request) is not { } known)
        {
            return;
        }

        string[] inputs = request!["input"] switch
        {
            JsonArray array => [.. array.Select(i => i!.GetValue<string>())],
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };
        var embeddings = new JsonArray();
        foreach (var input in inputs)
        {
            embeddings.Add(new JsonArray([.. EmbeddingFor(known.Name, input, Options.EmbeddingDimensions).Select(v => (JsonNode)v)]));
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["model"] = known.Name,
            ["embeddings"] = embeddings,
            ["total_duration"] = 14_143_917,
            ["load_duration"] = 1_019_500,
            ["prompt_eval_count"] = PromptTokens(inputs),
        });
    }

    /// <summary>What the fixture reports as <c>prompt_eval_count</c> for these inputs: their words, counted.</summary>
    public static int PromptTokens(IEnumerable<string> inputs) =>
        inputs.Sum(i => i.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
}
