using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshMind.Llm;

/// <summary>
/// Lets an OpenAI-compatible server (llama.cpp server, vLLM, LM Studio, another MeshMind's <c>/v1</c>) be this node's
/// local LLM: the node speaks Ollama's API to its backend, and this handler translates each call.
/// <c>/api/tags</c> and <c>/api/ps</c> become <c>GET {base}/models</c> (every model counts as loaded), <c>/api/version</c>
/// is answered here, and <c>POST /api/chat</c> becomes a streamed <c>POST {base}/chat/completions</c> whose SSE deltas
/// are turned into Ollama NDJSON lines, ending with a <c>done</c> line that carries the token counts. A stream that
/// stops without <c>[DONE]</c> or a finish reason gets no <c>done</c> line, so it is reported as broken, never as finished.
/// </summary>
public sealed class OpenAiBackendHandler(Uri baseUrl, string apiKey, TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly MediaTypeHeaderValue Ndjson = new("application/x-ndjson");
    private readonly string _base = baseUrl.ToString().TrimEnd('/');

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "/";
        return path switch
        {
            "/api/version" => Json(request, new JsonObject { ["version"] = "openai-compatible" }),
            "/api/tags" or "/api/ps" => await ModelsAsync(request, running: path == "/api/ps", cancellationToken),
            "/api/chat" when request.Method == HttpMethod.Post => await ChatAsync(request, cancellationToken),
            _ => Json(request, new JsonObject { ["error"] = $"{path} is not available on an OpenAI-compatible backend" }, HttpStatusCode.NotFound),
        };
    }

    private HttpRequestMessage Upstream(HttpMethod method, string path, HttpContent? content = null)
    {
        var upstream = new HttpRequestMessage(method, _base + path) { Content = content };
        if (apiKey.Length > 0)
        {
            upstream.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return upstream;
    }

    private async Task<HttpResponseMessage> ModelsAsync(HttpRequestMessage request, bool running, CancellationToken cancellationToken)
    {
        using var upstream = await base.SendAsync(Upstream(HttpMethod.Get, "/models"), cancellationToken);
        if (!upstream.IsSuccessStatusCode)
        {
            return await ErrorAsync(request, upstream, cancellationToken);
        }

        var listed = JsonNode.Parse(await upstream.Content.ReadAsStringAsync(cancellationToken))?["data"]?.AsArray() ?? [];
        var models = new JsonArray();
        foreach (var id in listed.Select(m => m?["id"]?.GetValue<string>()).OfType<string>())
        {
            var model = new JsonObject
            {
                ["name"] = id,
                ["model"] = id,
                ["size"] = 0,
                ["digest"] = "",
                ["details"] = new JsonObject { ["format"] = "openai", ["family"] = "", ["parameter_size"] = "" },
            };
            model[running ? "expires_at" : "modified_at"] = time.GetUtcNow().ToString("o", CultureInfo.InvariantCulture);
            models.Add(model);
        }

        return Json(request, new JsonObject { ["models"] = models });
    }

    private async Task<HttpResponseMessage> ChatAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))?.AsObject()
            ?? throw new HttpRequestException("empty chat request");
        var model = body["model"]?.GetValue<string>() ?? "";
        var stream = body["stream"]?.GetValue<bool>() ?? true;
        var translated = Translate(body, model);
        var upstream = await base.SendAsync(Upstream(HttpMethod.Post, "/chat/completions",
            new StringContent(translated.ToJsonString(), Encoding.UTF8, "application/json")), cancellationToken);
        if (!upstream.IsSuccessStatusCode)
        {
            using (upstream)
            {
                return await ErrorAsync(request, upstream, cancellationToken);
            }
        }

        // The lines are read later, as the caller reads the body; their lifetime is the body's (disposing it ends them).
        var lines = Convert(upstream, model, stream, CancellationToken.None);
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StreamContent(new LineStream(lines, upstream)) { Headers = { ContentType = Ndjson } },
        };
    }

    /// <summary>Ollama's chat request as OpenAI's: messages (images as data URLs), sampling options, always streamed with usage.</summary>
    private static JsonObject Translate(JsonObject body, string model)
    {
        var messages = new JsonArray();
        foreach (var message in body["messages"]?.AsArray() ?? [])
        {
            var role = message?["role"]?.GetValue<string>() ?? "user";
            var text = message?["content"]?.GetValue<string>() ?? "";
            var images = message?["images"]?.AsArray().Select(i => i?.GetValue<string>()).OfType<string>().ToList() ?? [];
            JsonNode content = images.Count == 0
                ? JsonValue.Create(text)
                : new JsonArray([new JsonObject { ["type"] = "text", ["text"] = text },
                    .. images.Select(i => new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "data:image/png;base64," + i } })]);
            messages.Add(new JsonObject { ["role"] = role, ["content"] = content });
        }

        var request = new JsonObject
        {
            ["model"] = model,
            ["messages"] = messages,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };
        if (body["options"] is JsonObject options)
        {
            foreach (var (ollama, openAi) in new[] { ("temperature", "temperature"), ("top_p", "top_p"), ("num_predict", "max_tokens"), ("stop", "stop"),
                ("seed", "seed"), ("frequency_penalty", "frequency_penalty"), ("presence_penalty", "presence_penalty") })
            {
                if (options[ollama] is { } value)
                {
                    request[openAi] = value.DeepClone();
                }
            }
        }

        return request;
    }

    /// <summary>OpenAI's SSE events as Ollama NDJSON lines (or one object when the request was not streamed).</summary>
    private async IAsyncEnumerable<byte[]> Convert(HttpResponseMessage upstream, string model, bool stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        long? firstToken = null;
        var answer = new StringBuilder();
        string? finish = null;
        var (promptTokens, completionTokens, chunks) = (0L, (long?)null, 0L);
        var ended = false;
        using var reader = new StreamReader(await upstream.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line.AsSpan(5).Trim();
            if (data.SequenceEqual("[DONE]"))
            {
                ended = true;
                break;
            }

            JsonNode? chunk;
            try
            {
                chunk = JsonNode.Parse(data.ToString());
            }
            catch (JsonException)
            {
                continue;
            }

            if (chunk?["error"] is { } error)
            {
                yield return Line(new JsonObject { ["error"] = error["message"]?.GetValue<string>() ?? error.ToJsonString() });
                yield break;
            }

            if (chunk?["usage"] is JsonObject usage)
            {
                promptTokens = usage["prompt_tokens"]?.GetValue<long>() ?? promptTokens;
                completionTokens = usage["completion_tokens"]?.GetValue<long>() ?? completionTokens;
            }

            var choice = chunk?["choices"]?.AsArray().FirstOrDefault();
            finish = choice?["finish_reason"]?.GetValue<string>() ?? finish;
            if (choice?["delta"]?["content"]?.GetValue<string>() is { Length: > 0 } content)
            {
                firstToken ??= time.GetTimestamp();
                chunks++;
                if (stream)
                {
                    yield return Line(Chunk(model, content, done: false));
                }
                else
                {
                    answer.Append(content);
                }
            }
        }

        if (!ended && finish is null)
        {
            // Cut off: no done line, so the node reports the answer as broken.
            yield break;
        }

        var total = time.GetElapsedTime(started);
        var generating = firstToken is { } first ? time.GetElapsedTime(first) : TimeSpan.Zero;
        var final = Chunk(model, stream ? "" : answer.ToString(), done: true);
        final["done_reason"] = finish ?? "stop";
        final["total_duration"] = (long)(total.TotalMilliseconds * 1e6);
        final["load_duration"] = 0;
        final["prompt_eval_count"] = promptTokens;
        final["prompt_eval_duration"] = (long)((total - generating).TotalMilliseconds * 1e6);
        final["eval_count"] = completionTokens ?? chunks;
        final["eval_duration"] = Math.Max(1, (long)(generating.TotalMilliseconds * 1e6));
        yield return Line(final);
    }

    private JsonObject Chunk(string model, string content, bool done) => new()
    {
        ["model"] = model,
        ["created_at"] = time.GetUtcNow().ToString("o", CultureInfo.InvariantCulture),
        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
        ["done"] = done,
    };

    private static byte[] Line(JsonObject value) => Encoding.UTF8.GetBytes(value.ToJsonString() + "\n");

    private static HttpResponseMessage Json(HttpRequestMessage request, JsonObject body, HttpStatusCode status = HttpStatusCode.OK) => new(status)
    {
        RequestMessage = request,
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    /// <summary>The backend's error, in Ollama's shape (<c>{"error": "…"}</c>) with the backend's status.</summary>
    private static async Task<HttpResponseMessage> ErrorAsync(HttpRequestMessage request, HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        var text = await upstream.Content.ReadAsStringAsync(cancellationToken);
        string message;
        try
        {
            var parsed = JsonNode.Parse(text);
            message = parsed?["error"]?["message"]?.GetValue<string>() ?? parsed?["error"]?.ToString() ?? text;
        }
        catch (JsonException)
        {
            message = text;
        }

        message = message.Length > 500 ? message[..500] : message;
        return Json(request, new JsonObject { ["error"] = $"OpenAI-compatible backend: {message}" }, upstream.StatusCode);
    }

    /// <summary>A read-only stream over converted lines, pulled as the reader reads; disposing it ends the upstream call.</summary>
    private sealed class LineStream(IAsyncEnumerable<byte[]> lines, HttpResponseMessage upstream) : Stream
    {
        private readonly CancellationTokenSource _disposed = new();
        private IAsyncEnumerator<byte[]>? _lines;
        private ReadOnlyMemory<byte> _current;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _lines ??= lines.GetAsyncEnumerator(_disposed.Token);
            while (_current.IsEmpty)
            {
                using var registration = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _disposed);
                if (!await _lines.MoveNextAsync())
                {
                    return 0;
                }

                _current = _lines.Current;
            }

            var n = Math.Min(buffer.Length, _current.Length);
            _current[..n].CopyTo(buffer);
            _current = _current[n..];
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _disposed.Cancel();
                upstream.Dispose();
                _disposed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
