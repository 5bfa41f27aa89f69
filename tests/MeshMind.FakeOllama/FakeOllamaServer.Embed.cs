using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MeshMind.FakeOllama;

/// <summary>
/// <c>POST /api/embed</c> as Ollama documents it: <c>input</c> a string or an array of strings, answered with one vector
/// per input (<see cref="EmbeddingFor"/>: deterministic, unit length), for the models the fixture lists only.
/// </summary>
public sealed partial class FakeOllamaServer
{
    private int _embedRequests;

    /// <summary><c>/api/embed</c> requests received.</summary>
    public int EmbedRequests => Volatile.Read(ref _embedRequests);

    /// <summary>The body of the last <c>/api/embed</c> request, as received.</summary>
    public JsonObject? LastEmbedRequest { get; private set; }

    /// <summary>
    /// The vector this fixture answers for <paramref name="input"/> with <paramref name="model"/>: SHA-256 of both, stretched
    /// in counter mode into <paramref name="dimensions"/> numbers in [-1, 1), then scaled to unit length.
    /// </summary>
    public static float[] EmbeddingFor(string model, string input, int dimensions)
    {
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + input));
        var vector = new float[dimensions];
        var block = new byte[seed.Length + 4];
        seed.CopyTo(block, 0);
        Span<byte> hash = stackalloc byte[32];
        for (var i = 0; i < dimensions; i++)
        {
            if (i % 8 == 0)
            {
                BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(seed.Length), i / 8);
                SHA256.HashData(block, hash);
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(hash[(i % 8 * 4)..]);
            vector[i] = (float)((bits / (double)uint.MaxValue * 2) - 1);
        }

        var norm = (float)Math.Sqrt(vector.Sum(v => (double)v * v));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] /= norm;
        }

        return vector;
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
