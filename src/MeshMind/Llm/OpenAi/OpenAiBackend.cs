using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using MeshMind.Llm.Pipeline;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// An OpenAI-compatible server (llama.cpp server, vLLM, LM Studio, another MeshMind's <c>/v1</c>) as this node's LLM:
/// chats become a streamed <c>POST chat/completions</c> (with usage) under the API base that <paramref name="http"/> has as
/// its base address, read as server-sent events; the models are what <c>GET models</c> lists (every one counts as loaded).
/// </summary>
internal sealed class OpenAiBackend(HttpClient http, string apiKey, TimeProvider time) : ILocalBackend
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public async Task<BackendAnswer> SendAsync(LlmRequest request, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            using (var message = Authorized(new HttpRequestMessage(HttpMethod.Post, "chat/completions")
            {
                Content = new ByteArrayContent(Body(request)) { Headers = { ContentType = s_json } },
            }))
            {
                response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }

            await EnsureSuccessAsync(response, cancellationToken);
            return await OpenAiSseAnswer.OpenAsync(response, time, cancellationToken);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary><c>POST embeddings</c> with the inputs as an array of strings, asking for floats; Ollama's own fields do not go there.</summary>
    public async Task<EmbedResult> EmbedAsync(EmbedRequest request, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", request.Model);
            json.WriteStartArray("input");
            foreach (var input in request.Input)
            {
                json.WriteStringValue(input);
            }

            json.WriteEndArray();
            json.WriteString("encoding_format", "float");
            if (request.OllamaExtras?.GetValueOrDefault("dimensions") is { ValueKind: JsonValueKind.Number } dimensions)
            {
                json.WritePropertyName("dimensions");
                dimensions.WriteTo(json);
            }

            json.WriteEndObject();
        }

        using var message = Authorized(new HttpRequestMessage(HttpMethod.Post, "embeddings")
        {
            Content = new ByteArrayContent(buffer.WrittenSpan.ToArray()) { Headers = { ContentType = s_json } },
        });
        using var response = await http.SendAsync(message, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var listed = await response.Content.ReadFromJsonAsync(OpenAiJsonContext.Default.OpenAiListedEmbeddings, cancellationToken);
        var vectors = new float[request.Input.Count][];
        foreach (var item in listed?.Data ?? [])
        {
            if (item.Index >= 0 && item.Index < vectors.Length && item.Embedding is { } embedding)
            {
                vectors[item.Index] = embedding;
            }
        }

        if (vectors.Any(v => v is null))
        {
            throw new HttpRequestException($"the OpenAI-compatible backend did not answer one vector for each of the {vectors.Length} inputs");
        }

        var tokens = (int)Math.Min(int.MaxValue, listed?.Usage?.PromptTokens ?? 0);
        return new EmbedResult(listed?.Model ?? request.Model, vectors, 0, 0, tokens);
    }

    public async Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken)
    {
        using var message = Authorized(new HttpRequestMessage(HttpMethod.Get, "models"));
        using var response = await http.SendAsync(message, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var listed = await response.Content.ReadFromJsonAsync(OpenAiJsonContext.Default.OpenAiListedModels, cancellationToken);
        return [.. (listed?.Data ?? []).Select(m => m.Id).OfType<string>().Order(StringComparer.Ordinal)
            .Select(id => new ModelInfo(id, Loaded: true, Size: 0, Family: "", ParameterSize: ""))];
    }

    private HttpRequestMessage Authorized(HttpRequestMessage message)
    {
        if (apiKey.Length > 0)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return message;
    }

    /// <summary>
    /// The request in OpenAI's terms: messages (images as data URLs), sampling options, tools and tool calls (see
    /// <see cref="OpenAiToolMessages"/>), always streamed with usage. A completion of a prompt goes as the equivalent chat.
    /// </summary>
    private static byte[] Body(LlmRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", request.Model);
            json.WriteStartArray("messages");
            var toolMessages = new OpenAiToolMessages();
            foreach (var message in request.Messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role);
                toolMessages.Write(json, message);
                if (message.Images is not { Count: > 0 } images)
                {
                    json.WriteString("content", message.Content);
                }
                else
                {
                    json.WriteStartArray("content");
                    json.WriteStartObject();
                    json.WriteString("type", "text");
                    json.WriteString("text", message.Content);
                    json.WriteEndObject();
                    foreach (var image in images)
                    {
                        json.WriteStartObject();
                        json.WriteString("type", "image_url");
                        json.WriteStartObject("image_url");
                        json.WriteString("url", "data:image/png;base64," + image);
                        json.WriteEndObject();
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            foreach (var field in (ReadOnlySpan<string>)["tools", "tool_choice"])
            {
                if (request.OllamaExtras?.GetValueOrDefault(field) is { ValueKind: not JsonValueKind.Undefined } value)
                {
                    json.WritePropertyName(field);
                    value.WriteTo(json);
                }
            }

            json.WriteBoolean("stream", true);
            json.WriteStartObject("stream_options");
            json.WriteBoolean("include_usage", true);
            json.WriteEndObject();
            if (request.Options is { } options)
            {
                WriteNumber(json, "temperature", options.Temperature);
                WriteNumber(json, "top_p", options.TopP);
                WriteNumber(json, "max_tokens", options.MaxTokens);
                WriteNumber(json, "seed", options.Seed);
                WriteNumber(json, "presence_penalty", options.PresencePenalty);
                WriteNumber(json, "frequency_penalty", options.FrequencyPenalty);
                if (options.Stop is { } stop)
                {
                    json.WriteStartArray("stop");
                    foreach (var s in stop)
                    {
                        json.WriteStringValue(s);
                    }

                    json.WriteEndArray();
                }
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }

    /// <summary>An error status as <see cref="HttpRequestException"/> with the server's own message (at most 500 characters).</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string message;
        try
        {
            message = JsonSerializer.Deserialize(text, OpenAiJsonContext.Default.OpenAiErrorBody)?.Error?.Message ?? text;
        }
        catch (JsonException)
        {
            message = text;
        }

        message = message.Length > 500 ? message[..500] : message;
        throw new HttpRequestException($"OpenAI-compatible backend answered {(int)response.StatusCode}: {message}", null, response.StatusCode);
    }
}
