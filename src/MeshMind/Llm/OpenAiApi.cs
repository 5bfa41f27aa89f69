using System.Buffers;
using System.Text;
using System.Text.Json;
using MeshMind.Infrastructure;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace MeshMind.Llm;

/// <summary>
/// OpenAI-compatible <c>/v1</c> (its public API reference is the contract): <c>GET /v1/models</c> and
/// <c>POST /v1/chat/completions</c>, streamed as server-sent events ending <c>data: [DONE]</c> or answered whole with usage.
/// </summary>
public static class OpenAiApi
{
    private static readonly byte[] s_dataPrefix = "data: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();

    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1");
        v1.MapGet("/models", (LlmRouter router) => TypedResults.Json(
            new OpenAiModelList("list", [.. router.Catalog().Select(m => new OpenAiModel(m.Name, "model", 0, "meshmind"))]),
            OpenAiJsonContext.Default.OpenAiModelList));
        // A plain lambda, not the async method itself: see OllamaApi (its state machine would load OllamaSharp at start-up).
        v1.MapPost("/chat/completions", (HttpContext context, LlmRouter router) => CompleteAsync(context, router));
        return endpoints;
    }

    private static async Task CompleteAsync(HttpContext context, LlmRouter router)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, OpenAiJsonContext.Default.OpenAiChatRequest, OllamaProtocol.MaxRequestBytes);
        if (error is not null || body is null)
        {
            var message = error is IValueHttpResult { Value: MeshMind.Infrastructure.ErrorResponse e } ? e.Error : "the request body is not valid";
            await WriteErrorAsync(context, (error as IStatusCodeHttpResult)?.StatusCode ?? 400, message, "invalid_request_error");
            return;
        }

        if (body.Messages is not { Count: > 0 })
        {
            await WriteErrorAsync(context, 400, "'messages' must be a non-empty array", "invalid_request_error", "messages");
            return;
        }

        var request = ToOllama(body);
        LlmAnswer stream;
        try
        {
            stream = await router.OpenAsync(request, includePeers: true, context.RequestAborted);
        }
        catch (LlmUnavailableException ex)
        {
            await WriteErrorAsync(context, ex.StatusCode, ex.Message, ex.StatusCode == 404 ? "invalid_request_error" : "server_error",
                code: ex.StatusCode == 404 ? "model_not_found" : null);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await using (stream)
        {
            var id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];
            var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            try
            {
                if (body.Stream)
                {
                    await StreamAsync(context, stream, id, created, body.StreamOptions?.IncludeUsage == true);
                }
                else
                {
                    await AnswerAsync(context, stream, id, created);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; disposing the stream cancels the request at the host.
            }
        }
    }

    private static async Task AnswerAsync(HttpContext context, LlmAnswer stream, string id, long created)
    {
        var text = new StringBuilder();
        ChatResponseStream? last = null;
        try
        {
            await foreach (var chunk in stream.ReadAsync())
            {
                text.Append(chunk.Message?.Content);
                last = chunk;
            }
        }
        catch (LlmStreamException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status502BadGateway, ex.Message, "server_error");
            return;
        }

        var final = last as ChatDoneResponseStream;
        var usage = new OpenAiUsage(final?.PromptEvalCount ?? 0, final?.EvalCount ?? 0, (final?.PromptEvalCount ?? 0) + (final?.EvalCount ?? 0));
        await context.Response.WriteAsJsonAsync(
            new OpenAiCompletion(id, "chat.completion", created, stream.Model,
                [new OpenAiChoice(0, new OpenAiOutMessage("assistant", text.ToString()), FinishReason(final))], usage),
            OpenAiJsonContext.Default.OpenAiCompletion, contentType: null, context.RequestAborted);
    }

    private static async Task StreamAsync(HttpContext context, LlmAnswer stream, string id, long created, bool includeUsage)
    {
        var response = context.Response;
        OllamaProtocol.StartStreaming(context, "text/event-stream");
        using var writer = new Utf8JsonWriter((IBufferWriter<byte>)response.BodyWriter);
        var first = true;
        try
        {
            await foreach (var chunk in stream.ReadAsync(response.BodyWriter))
            {
                var content = chunk.Message?.Content;
                if (!string.IsNullOrEmpty(content) || first)
                {
                    Event(response, writer, new OpenAiChunk(id, "chat.completion.chunk", created, stream.Model,
                        [new OpenAiChunkChoice(0, new OpenAiDelta(first ? "assistant" : null, content ?? ""), null)]));
                    first = false;
                }

                if (chunk is { Done: true })
                {
                    var final = chunk as ChatDoneResponseStream;
                    Event(response, writer, new OpenAiChunk(id, "chat.completion.chunk", created, stream.Model,
                        [new OpenAiChunkChoice(0, new OpenAiDelta(null, null), FinishReason(final))]));
                    if (includeUsage)
                    {
                        Event(response, writer, new OpenAiChunk(id, "chat.completion.chunk", created, stream.Model, [])
                        {
                            Usage = new OpenAiUsage(final?.PromptEvalCount ?? 0, final?.EvalCount ?? 0, (final?.PromptEvalCount ?? 0) + (final?.EvalCount ?? 0)),
                        });
                    }

                    response.BodyWriter.Write(s_done);
                }
            }

            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        catch (LlmStreamException ex)
        {
            // An error event, and no [DONE]: the client must not take the partial answer for a finished one.
            response.BodyWriter.Write(s_dataPrefix);
            JsonSerializer.Serialize(writer, new OpenAiErrorResponse(new OpenAiError(ex.Message, "server_error", null, "upstream_failed")),
                OpenAiJsonContext.Default.OpenAiErrorResponse);
            writer.Flush();
            writer.Reset();
            response.BodyWriter.Write(s_eventEnd);
            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }
    }

    private static void Event(HttpResponse response, Utf8JsonWriter writer, OpenAiChunk chunk)
    {
        response.BodyWriter.Write(s_dataPrefix);
        JsonSerializer.Serialize(writer, chunk, OpenAiJsonContext.Default.OpenAiChunk);
        writer.Flush();
        writer.Reset();
        response.BodyWriter.Write(s_eventEnd);
    }

    private static string FinishReason(ChatDoneResponseStream? final) => final?.DoneReason == "length" ? "length" : "stop";

    private static ChatRequest ToOllama(OpenAiChatRequest body)
    {
        var messages = body.Messages!.Select(m =>
        {
            var (text, images) = Content(m.Content);
            var role = m.Role switch
            {
                "system" or "developer" => ChatRole.System,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                _ => ChatRole.User,
            };
            return new Message(role, text) { Images = images.Count > 0 ? [.. images] : null };
        }).ToList();

        var options = new RequestOptions
        {
            Temperature = body.Temperature,
            TopP = body.TopP,
            NumPredict = body.MaxCompletionTokens ?? body.MaxTokens,
            Seed = body.Seed,
            PresencePenalty = body.PresencePenalty,
            FrequencyPenalty = body.FrequencyPenalty,
            Stop = body.Stop switch
            {
                { ValueKind: JsonValueKind.String } s => [s.GetString()!],
                { ValueKind: JsonValueKind.Array } a => [.. a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
                _ => null,
            },
        };
        return new ChatRequest { Model = body.Model ?? "", Messages = messages, Options = options, Stream = true };
    }

    private static (string Text, List<string> Images) Content(JsonElement? content)
    {
        var images = new List<string>();
        if (content is not { } element)
        {
            return ("", images);
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return (element.GetString() ?? "", images);
        }

        var text = new StringBuilder();
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in element.EnumerateArray())
            {
                var type = part.TryGetProperty("type", out var t) ? t.GetString() : null;
                if (type == "text" && part.TryGetProperty("text", out var value))
                {
                    text.Append(value.GetString());
                }
                else if (type == "image_url" && part.TryGetProperty("image_url", out var image) && image.TryGetProperty("url", out var url)
                    && url.GetString() is { } dataUrl && dataUrl.StartsWith("data:", StringComparison.Ordinal) && dataUrl.IndexOf(',', StringComparison.Ordinal) is > 0 and var comma)
                {
                    images.Add(dataUrl[(comma + 1)..]);
                }
            }
        }

        return (text.ToString(), images);
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? param = null, string? code = null)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new OpenAiErrorResponse(new OpenAiError(message, type, param, code)),
            OpenAiJsonContext.Default.OpenAiErrorResponse, contentType: null, context.RequestAborted);
    }
}
