using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MeshMind.Llm.Models;

/// <summary>
/// Ollama's model management (<c>POST /api/pull</c>, <c>DELETE /api/delete</c>, <c>POST /api/show</c>, as Ollama documents
/// them) over <paramref name="http"/>: this node's Ollama, or a peer's mesh port, which serves the same routes from its own Ollama
/// (<see cref="PeerModelEndpoints"/>).
/// </summary>
internal sealed class OllamaModelClient(HttpClient http)
{
    /// <summary>No progress line of Ollama's is near this; a longer one is a broken stream.</summary>
    public const int MaxLineBytes = 64 * 1024;

    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    /// <summary>Starts a streamed pull; the response's headers are read, its body is the NDJSON progress (see <see cref="ReadProgressAsync"/>).</summary>
    /// <exception cref="HttpRequestException">Nothing answered (no Ollama there, a peer gone).</exception>
    public Task<HttpResponseMessage> StartPullAsync(string model, CancellationToken cancellationToken) =>
        http.SendAsync(Json(HttpMethod.Post, "api/pull", new PullBody(model, Stream: true)), HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary><c>DELETE /api/delete</c>: Ollama answers 200 when it deleted the model, 404 when it has no such model.</summary>
    public async Task<(HttpStatusCode Status, string? Error)> DeleteAsync(string model, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(Json(HttpMethod.Delete, "api/delete", new PullBody(model, Stream: null)), cancellationToken);
        return (response.StatusCode, response.IsSuccessStatusCode ? null : await ErrorAsync(response, cancellationToken));
    }

    /// <summary><c>POST /api/show</c> with the client's own body (passed through); the caller copies the answer on.</summary>
    public Task<HttpResponseMessage> ShowAsync(byte[] body, CancellationToken cancellationToken) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/show") { Content = new ByteArrayContent(body) { Headers = { ContentType = s_json } } },
            HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>
    /// Reads a pull's NDJSON body: each of Ollama's lines (<c>status</c>, <c>digest</c>, <c>total</c>, <c>completed</c>, or
    /// <c>error</c>) as a <see cref="ModelProgressLine"/>. A line that is not JSON, or longer than <see cref="MaxLineBytes"/>,
    /// ends the stream with an error line.
    /// </summary>
    public static async IAsyncEnumerable<ModelProgressLine> ReadProgressAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var body = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken));
        try
        {
            while (true)
            {
                var result = await body.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var lines = new List<ModelProgressLine>();
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    lines.Add(Parse(buffer.Slice(0, end)));
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }

                var tooLong = buffer.Length > MaxLineBytes;
                if (result.IsCompleted && !buffer.IsEmpty && !tooLong)
                {
                    lines.Add(Parse(buffer));
                    buffer = buffer.Slice(buffer.End);
                }

                body.AdvanceTo(buffer.Start, buffer.End);
                foreach (var line in lines)
                {
                    yield return line;
                }

                if (tooLong)
                {
                    yield return ModelProgressLine.Failed($"the pull's progress had a line longer than {MaxLineBytes} bytes");
                    yield break;
                }

                if (result.IsCompleted)
                {
                    yield break;
                }
            }
        }
        finally
        {
            await body.CompleteAsync();
        }
    }

    /// <summary>The <c>error</c> of an Ollama error body, or a sentence about the status when it has none.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not Ollama's error form.
        }

        return $"Ollama answered {(int)response.StatusCode} {response.ReasonPhrase}";
    }

    private static ModelProgressLine Parse(ReadOnlySequence<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var json = JsonDocument.ParseValue(ref reader);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ModelProgressLine.Failed("the pull's progress had a line that is not a JSON object");
            }

            if (String(root, "error") is { } error)
            {
                return ModelProgressLine.Failed(error);
            }

            return new ModelProgressLine
            {
                Status = String(root, "status") ?? "",
                Digest = String(root, "digest"),
                Completed = Number(root, "completed"),
                Total = Number(root, "total"),
            };
        }
        catch (JsonException)
        {
            return ModelProgressLine.Failed("the pull's progress had a line that is not JSON");
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static HttpRequestMessage Json(HttpMethod method, string path, PullBody body) => new(method, path)
    {
        Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, ModelsWireJsonContext.Default.PullBody)) { Headers = { ContentType = s_json } },
    };
}
