using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.Files.Peers;
using MeshMind.Files.Store;
using MeshMind.Infrastructure;
using MeshMind.Llm;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Routing;
using Microsoft.Extensions.Options;

namespace MeshMind.Conversations.Chat;

/// <summary>The seed's <c>POST /api/chat</c>: a chat with conversation memory and file context, answered through the mesh.</summary>
internal static class ChatApi
{
    public const int MaxMessageCharacters = 32_000;
    private const long MaxBodyBytes = 256 * 1024;
    private static readonly byte[] s_newline = "\n"u8.ToArray();

    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/chat", (HttpContext context, LlmRouter router, ConversationStore store, ConversationMetrics metrics, MeshFileReader files,
            IOptions<LlmOptions> options, TimeProvider time) => ChatAsync(context, router, store, metrics, files, options, time))
            .AcceptsJson<ChatApiRequest>()
            .Produces<ChatEvent>(StatusCodes.Status200OK, "application/x-ndjson")
            .ProducesAlso<ChatApiResponse>("application/json",
                "With \"stream\": true, NDJSON: one ChatEvent a line (start, token…, then done or error); otherwise the whole answer. "
                + "A body with Ollama's \"messages\" array is answered as Ollama's POST /api/chat.")
            .ProducesErrors(400, 404, 413, 415, 502, 503);
        return endpoints;
    }

    private static async Task ChatAsync(HttpContext context, LlmRouter router, ConversationStore store, ConversationMetrics metrics, MeshFileReader files,
        IOptions<LlmOptions> options, TimeProvider time)
    {
        var aborted = context.RequestAborted;
        var (json, error) = await JsonBody.ReadAsync(context.Request, ChatJsonContext.Default.JsonObject, OllamaFrontEnd.MaxRequestBytes);
        if (error is not null || json is null)
        {
            await (error ?? ApiResults.Error(400, "the JSON body is empty")).ExecuteAsync(context);
            return;
        }

        // Ollama's own /api/chat (a "messages" array) is served too, so http://node:8080 works as an Ollama base URL.
        if (json["messages"] is JsonArray && json["message"] is null)
        {
            if (Deserialize(json, OllamaJsonContext.Default.OllamaChatRequest) is not { } ollama)
            {
                await ApiResults.WriteErrorAsync(context, 400, "the JSON body is not a valid Ollama chat request");
                return;
            }

            await OllamaFrontEnd.ServeAsync(context, router, OllamaTranslation.ToRequest(ollama), ollama.Stream ?? true, generate: false, includePeers: true);
            return;
        }

        if (Deserialize(json, ChatJsonContext.Default.ChatApiRequest) is not { } body)
        {
            await ApiResults.WriteErrorAsync(context, 400, "the JSON body is not valid: expected {\"message\": \"...\"}");
            return;
        }

        var question = body.Message?.Trim();
        if (string.IsNullOrEmpty(question))
        {
            await ApiResults.WriteErrorAsync(context, 400, "'message' is required");
            return;
        }

        if (question.Length > MaxMessageCharacters)
        {
            await ApiResults.WriteErrorAsync(context, 413, $"'message' is longer than {MaxMessageCharacters} characters");
            return;
        }

        string conversationId;
        if (body.ConversationId is { Length: > 0 } requested)
        {
            if (!ConversationStore.IsValidId(requested) || !await store.ExistsAsync(requested, aborted))
            {
                await ApiResults.WriteErrorAsync(context, 404, "no such conversation on this node; omit 'conversation_id' to start one");
                return;
            }

            conversationId = requested;
        }
        else
        {
            conversationId = ConversationStore.NewConversationId();
        }

        string? fileText = null;
        if (body.Filename is { Length: > 0 } fileName)
        {
            if (FileNames.Check(fileName).Name is null)
            {
                await ApiResults.WriteErrorAsync(context, 400, "'filename' must be a plain file name, without folders");
                return;
            }

            if (await files.ReadAsync(fileName, ChatFiles.MaxFileBytes, aborted) is not { } content)
            {
                await ApiResults.WriteErrorAsync(context, 404, $"no file named '{fileName}' on this node");
                return;
            }

            fileText = ChatFiles.Describe(fileName, content);
        }

        var llm = options.Value;
        var history = body.ConversationId is null ? [] : await store.LastTurnsAsync(conversationId, llm.ContextTurns, aborted);
        var request = new LlmRequest
        {
            Model = body.Model ?? "",
            Messages = ChatPrompt.Build(history, fileText, question, llm.ContextTurns, llm.ContextCharacters),
        };

        var started = time.GetTimestamp();
        metrics.Turn(conversationId);
        LlmAnswer stream;
        try
        {
            stream = await router.OpenAsync(request, includePeers: true, aborted);
        }
        catch (LlmUnavailableException ex)
        {
            await ApiResults.WriteErrorAsync(context, ex.StatusCode, ex.Message);
            return;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }

        var exchangeId = "x_" + Guid.NewGuid().ToString("N");
        var host = new ExchangeHost(stream.Host.NodeId, stream.Host.Name, stream.Host.Ip, HasLlm: true);
        var answer = new StringBuilder();
        string? failure = null;
        await using (stream)
        {
            var response = context.Response;
            using var writer = new Utf8JsonWriter((IBufferWriter<byte>)response.BodyWriter);
            try
            {
                if (body.Stream)
                {
                    StreamingResponse.Start(context, "application/x-ndjson");
                    Write(response, writer, new ChatStartEvent(conversationId, exchangeId, stream.Model, host));
                }

                await foreach (var chunk in stream.ReadAsync(body.Stream ? response.BodyWriter : null))
                {
                    if (chunk.Content is { Length: > 0 } content)
                    {
                        answer.Append(content);
                        if (body.Stream)
                        {
                            Write(response, writer, new ChatTokenEvent(content));
                        }
                    }
                }
            }
            catch (LlmStreamException ex)
            {
                failure = ex.Message;
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                failure = "stopped before the answer finished";
            }

            var final = stream.Final;
            var latency = time.GetElapsedTime(started).TotalMilliseconds;
            // Always known here: the router hands over an answer once its first piece came. (A saved exchange's is nullable
            // because histories from other nodes may lack it.)
            var ttftMs = Math.Round(stream.TtftMs, 2);
            var exchange = new Exchange(exchangeId, conversationId, question, answer.ToString(), stream.Model, host, Math.Round(latency, 2),
                ttftMs, final?.PromptEvalCount ?? 0, final?.EvalCount ?? 0, time.GetUtcNow(), failure);
            await store.SaveAsync(exchange, CancellationToken.None);
            if (aborted.IsCancellationRequested)
            {
                return;
            }

            if (failure is not null)
            {
                if (body.Stream)
                {
                    Write(response, writer, new ChatErrorEvent(failure));
                    await response.BodyWriter.FlushAsync(aborted);
                }
                else
                {
                    await ApiResults.WriteErrorAsync(context, StatusCodes.Status502BadGateway, failure);
                }

                return;
            }

            double? rate = final?.TokensPerSecond is { } tokensPerSecond ? Math.Round(tokensPerSecond, 2) : null;
            if (body.Stream)
            {
                Write(response, writer, new ChatDoneEvent(exchange.Answer, exchange.LatencyMs, ttftMs, exchange.PromptTokens,
                    exchange.CompletionTokens, rate));
                await response.BodyWriter.FlushAsync(aborted);
            }
            else
            {
                await context.Response.WriteAsJsonAsync(new ChatApiResponse(exchange.Answer, exchange.Model, host, exchange.LatencyMs, conversationId,
                    exchangeId, ttftMs, exchange.PromptTokens, exchange.CompletionTokens),
                    ChatJsonContext.Default.ChatApiResponse, contentType: null, aborted);
            }
        }
    }

    private static T? Deserialize<T>(JsonObject json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return json.Deserialize(type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Write(HttpResponse response, Utf8JsonWriter writer, ChatEvent value)
    {
        JsonSerializer.Serialize(writer, value, ChatJsonContext.Default.ChatEvent);
        writer.Flush();
        writer.Reset();
        response.BodyWriter.Write(s_newline);
    }
}
