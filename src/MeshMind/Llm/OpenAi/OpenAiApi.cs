using System.Buffers;
using System.Text;
using System.Text.Json;
using MeshMind.Infrastructure;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Routing;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// OpenAI-compatible <c>/v1</c> (its public API reference is the contract): <c>GET /v1/models</c> and
/// <c>POST /v1/chat/completions</c> (and <c>POST /v1/completions</c>, see <see cref="OpenAiCompletions"/>; <c>POST /v1/embeddings</c>, see <see cref="OpenAiEmbeddings"/>), streamed as server-sent events ending <c>data: [DONE]</c> or answered whole with usage.
/// A front-end: it translates requests and answers, the router and the answer do the rest.
/// </summary>
internal static class OpenAiApi
{
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1");
        v1.MapGet("/models", (LlmHosts hosts) => TypedResults.Json(
            new OpenAiModelList("list", [.. hosts.Catalog().Select(m => new OpenAiModel(m.Name, "model", 0, "meshmind"))]),
            OpenAiJsonContext.Default.OpenAiModelList))
            .Produces<OpenAiModelList>();
        v1.MapPost("/chat/completions", CompleteAsync)
            .AcceptsJson<OpenAiChatRequest>()
            .Produces<OpenAiCompletion>()
            .ProducesAlso<OpenAiChunk>("text/event-stream",
                "The completion; with \"stream\": true, server-sent events of chunks ending with \"data: [DONE]\" (or an error event without it).")
            .ProducesErrors<OpenAiErrorResponse>(400, 404, 413, 415, 502, 503);
        v1.MapPost("/completions", OpenAiCompletions.CompleteAsync)
            .AcceptsJson<OpenAiCompletionRequest>()
            .Produces<OpenAiTextCompletion>()
            .ProducesAlso<OpenAiTextCompletion>("text/event-stream",
                "The completion; with \"stream\": true, server-sent events of text_completion chunks ending with \"data: [DONE]\" (or an error event without it).")
            .ProducesErrors<OpenAiErrorResponse>(400, 404, 413, 415, 502, 503);
        v1.MapPost("/embeddings", OpenAiEmbeddings.EmbedAsync)
            .AcceptsJson<OpenAiEmbeddingRequest>()
            .Produces<OpenAiEmbeddingList>()
            .ProducesErrors<OpenAiErrorResponse>(400, 404, 413, 415, 503);
        return endpoints;
    }

    private static async Task CompleteAsync(HttpContext context, LlmRouter router, IOptions<LlmOptions> options, TimeProvider time)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, OpenAiJsonContext.Default.OpenAiChatRequest, OllamaFrontEnd.MaxRequestBytes);
        if (error is not null || body is null)
        {
            var message = error is IValueHttpResult { Value: ErrorResponse e } ? e.Error : "the request body is not valid";
            await WriteErrorAsync(context, (error as IStatusCodeHttpResult)?.StatusCode ?? 400, message, "invalid_request_error");
            return;
        }

        if (body.Messages is not { Count: > 0 })
        {
            await WriteErrorAsync(context, 400, "'messages' must be a non-empty array", "invalid_request_error", "messages");
            return;
        }

        LlmRequest request;
        try
        {
            request = OpenAiTranslation.ToRequest(body);
        }
        catch (OpenAiRequestException ex)
        {
            await WriteErrorAsync(context, 400, ex.Message, "invalid_request_error", ex.Param);
            return;
        }

        IReadOnlyList<ChatSource>? sources = null;
        if (body.Knowledge)
        {
            if (request.Messages.LastOrDefault(m => m.Role == LlmMessage.User) is not { Content.Length: > 0 } question)
            {
                await WriteErrorAsync(context, 400, "'knowledge' needs a user message with text to search the mesh's files for", "invalid_request_error", "knowledge");
                return;
            }

            // Half of the context budget, as MeshMind's own chat gives the excerpts; the rest stays for the messages.
            var grounding = context.RequestServices.GetService<IChatGrounding>() is { } mesh
                ? await mesh.GroundAsync(question.Content, options.Value.ContextCharacters / 2, context.RequestAborted)
                : null;
            sources = grounding?.Sources ?? [];
            if (grounding is not null)
            {
                request = request with { Messages = grounding.Apply(request.Messages) };
            }
        }

        LlmAnswer answer;
        try
        {
            answer = await router.OpenAsync(request, includePeers: true, context.RequestAborted, origin: RequestOrigin.Of(context));
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

        await using (answer)
        {
            context.Response.Headers[LlmAnswer.HostHeader] = answer.Host.NodeId;
            var id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];
            var created = time.GetUtcNow().ToUnixTimeSeconds();
            try
            {
                if (body.Stream)
                {
                    await StreamAsync(context, answer, id, created, body.StreamOptions?.IncludeUsage == true, sources);
                }
                else
                {
                    await AnswerAsync(context, answer, id, created, sources);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; disposing the answer cancels the request at the host.
            }
        }
    }

    private static async Task AnswerAsync(HttpContext context, LlmAnswer answer, string id, long created, IReadOnlyList<ChatSource>? sources)
    {
        var text = new StringBuilder();
        var toolCalls = new List<OpenAiToolCall>();
        try
        {
            await foreach (var chunk in answer.ReadAsync())
            {
                text.Append(chunk.Content);
                if (chunk.ToolCalls is { } calls)
                {
                    toolCalls.AddRange(OpenAiTools.FromOllama(calls, toolCalls.Count, withIndex: false));
                }
            }
        }
        catch (LlmStreamException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status502BadGateway, ex.Message, "server_error");
            return;
        }

        var final = answer.Final;
        var message = toolCalls.Count > 0
            ? new OpenAiOutMessage("assistant", text.Length > 0 ? text.ToString() : null) { ToolCalls = toolCalls }
            : new OpenAiOutMessage("assistant", text.ToString());
        await context.Response.WriteAsJsonAsync(
            new OpenAiCompletion(id, "chat.completion", created, answer.Model,
                [new OpenAiChoice(0, message, toolCalls.Count > 0 ? "tool_calls" : FinishReason(final))], Usage(final)) { Sources = sources },
            OpenAiJsonContext.Default.OpenAiCompletion, contentType: null, context.RequestAborted);
    }

    private static async Task StreamAsync(HttpContext context, LlmAnswer answer, string id, long created, bool includeUsage,
        IReadOnlyList<ChatSource>? sources)
    {
        var response = context.Response;
        StreamingResponse.Start(context, "text/event-stream");
        using var writer = new Utf8JsonWriter((IBufferWriter<byte>)response.BodyWriter);
        var first = true;
        var toolCalls = 0;
        try
        {
            await foreach (var chunk in answer.ReadAsync(response.BodyWriter))
            {
                var calls = chunk.ToolCalls is { } c ? OpenAiTools.FromOllama(c, toolCalls, withIndex: true) : [];
                if (chunk.Content.Length > 0 || calls.Count > 0 || first)
                {
                    Event(response, writer, new OpenAiChunk(id, "chat.completion.chunk", created, answer.Model,
                        [new OpenAiChunkChoice(0, new OpenAiDelta(first ? "assistant" : null, calls.Count > 0 && chunk.Content.Length == 0 ? null : chunk.Content)
                        {
                            ToolCalls = calls.Count > 0 ? calls : null,
                        }, null)]));
                    first = false;
                    toolCalls += calls.Count;
                }
            }

            if (first)
            {
                // An empty answer still opens with the assistant's role, as every answer does.
                Event(response, writer, new OpenAiChunk(id, "chat.completion.chunk", created, answer.Model,
                    [new OpenAiChunkChoice(0, new OpenAiDelta("assistant", ""), null)]));
            }

            var final = answer.Final;
            Event(response, writer, new OpenAiChunk(id, "chat.completion.chunk", created, answer.Model,
                [new OpenAiChunkChoice(0, new OpenAiDelta(null, null), toolCalls > 0 ? "tool_calls" : FinishReason(final))])
            {
                Sources = includeUsage ? null : sources,
            });
            if (includeUsage)
            {
                Event(response, writer, new OpenAiChunk(id, "chat.completion.chunk", created, answer.Model, []) { Usage = Usage(final), Sources = sources });
            }

            await OpenAiSse.DoneAsync(context);
        }
        catch (LlmStreamException ex)
        {
            await OpenAiSse.ErrorAsync(context, writer, ex.Message);
        }
    }

    private static void Event(HttpResponse response, Utf8JsonWriter writer, OpenAiChunk chunk) =>
        OpenAiSse.Event(response, writer, chunk, OpenAiJsonContext.Default.OpenAiChunk);

    internal static string FinishReason(LlmResult? final) => final?.DoneReason == "length" ? "length" : "stop";

    internal static OpenAiUsage Usage(LlmResult? final) =>
        new(final?.PromptEvalCount ?? 0, final?.EvalCount ?? 0, (final?.PromptEvalCount ?? 0) + (final?.EvalCount ?? 0));

    internal static async Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? param = null, string? code = null)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new OpenAiErrorResponse(new OpenAiError(message, type, param, code)),
            OpenAiJsonContext.Default.OpenAiErrorResponse, contentType: null, context.RequestAborted);
    }
}
