using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MeshMind.Files.Peers;
using MeshMind.Infrastructure;
using MeshMind.Knowledge.Answers;
using MeshMind.Llm;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Routing;
using Microsoft.Extensions.Options;

namespace MeshMind.Conversations.Chat;

/// <summary>The seed's <c>POST /api/chat</c>: a chat with conversation memory and file context, answered through the mesh.</summary>
/// <remarks>
/// An answer that breaks is told once, in words and as a code (<see cref="ChatErrorEvent"/>): who was answering and how much
/// came. The host's own error text goes to the log, not to the person.
/// </remarks>
internal static partial class ChatApi
{
    public const int MaxMessageCharacters = 32_000;
    private static readonly byte[] s_newline = "\n"u8.ToArray();

    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/chat", (HttpContext context, LlmRouter router, ConversationStore store, ConversationMetrics metrics, MeshFileReader files,
            KnowledgeContext knowledge, IOptions<LlmOptions> options, TimeProvider time, ILoggerFactory logs) =>
            ChatAsync(context, router, store, metrics, files, knowledge, options.Value, time, logs.CreateLogger(typeof(ChatApi).FullName!)))
            .AcceptsJson<ChatApiRequest>()
            .Produces<ChatEvent>(StatusCodes.Status200OK, "application/x-ndjson")
            .ProducesAlso<ChatApiResponse>("application/json",
                "With \"stream\": true, NDJSON: one ChatEvent a line (start, token…, then done or error); otherwise the whole answer. "
                + "A body with Ollama's \"messages\" array is answered as Ollama's POST /api/chat.")
            .ProducesErrors(415)
            .ProducesErrors<ChatFailure>(400, 404, 413, 502, 503);
        return endpoints;
    }

    private static async Task ChatAsync(HttpContext context, LlmRouter router, ConversationStore store, ConversationMetrics metrics, MeshFileReader files,
        KnowledgeContext knowledge, LlmOptions llm, TimeProvider time, ILogger logger)
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
            await WriteFailureAsync(context, 400, new ChatFailure("the JSON body is not valid: expected {\"message\": \"...\"}", "invalid"));
            return;
        }

        var (turn, status, failure) = await PlanAsync(json, body, store, files, knowledge, llm, aborted);
        if (turn is null)
        {
            await WriteFailureAsync(context, status, failure!);
            return;
        }

        var started = time.GetTimestamp();
        metrics.Turn(turn.ConversationId);
        LlmAnswer stream;
        var places = turn.Stream ? Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true }) : null;
        var streaming = false;
        try
        {
            var opening = router.OpenAsync(turn.Request, includePeers: true, aborted, turn.Choice,
                RequestOrigin.Of(context, places is null ? null : place => places.Writer.TryWrite(place)));
            if (places is not null)
            {
                streaming = await ReportPlacesAsync(context, opening, places);
            }

            stream = await opening;
        }
        catch (LlmUnavailableException ex)
        {
            if (streaming)
            {
                using var writer = new Utf8JsonWriter((IBufferWriter<byte>)context.Response.BodyWriter);
                Write(context.Response, writer, new ChatErrorEvent(ex.Message, ex.Reason, null, 0));
                await context.Response.BodyWriter.FlushAsync(aborted);
            }
            else
            {
                await WriteFailureAsync(context, ex.StatusCode, new ChatFailure(ex.Message, ex.Reason));
            }

            return;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }

        await using (stream)
        {
            await AnswerAsync(context, turn, stream, store, started, time, llm, logger, streaming);
        }
    }

    /// <summary>
    /// While the chat waits for a host (every one busy), streams its place in line as <see cref="ChatQueuedEvent"/>s; true when
    /// it wrote any (the response has started).
    /// </summary>
    private static async Task<bool> ReportPlacesAsync(HttpContext context, Task<LlmAnswer> opening, Channel<int> places)
    {
        _ = opening.ContinueWith(_ => places.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var streaming = false;
        using var writer = new Utf8JsonWriter((IBufferWriter<byte>)context.Response.BodyWriter);
        while (await places.Reader.WaitToReadAsync(CancellationToken.None))
        {
            var place = 0;
            while (places.Reader.TryRead(out var next))
            {
                place = next;
            }

            if (opening.IsCompleted || context.RequestAborted.IsCancellationRequested)
            {
                continue; // it has its host (or failed): no place to tell
            }

            if (!streaming)
            {
                StreamingResponse.Start(context, "application/x-ndjson");
                streaming = true;
            }

            Write(context.Response, writer, new ChatQueuedEvent(place));
            await context.Response.BodyWriter.FlushAsync(CancellationToken.None);
        }

        return streaming;
    }

    /// <summary>
    /// Streams (or collects) the answer, saves it, and ends the response with <c>done</c> or one honest error; <c>streaming</c>
    /// when the response has started already (its place in line was streamed while it waited).
    /// </summary>
    private static async Task AnswerAsync(HttpContext context, ChatTurn turn, LlmAnswer stream, ConversationStore store, long started, TimeProvider time,
        LlmOptions llm, ILogger logger, bool streaming)
    {
        var aborted = context.RequestAborted;
        var exchangeId = turn.Continued?.Id ?? ConversationStore.NewExchangeId();
        var host = new ExchangeHost(stream.Host.NodeId, stream.Host.Name, stream.Host.Ip, HasLlm: true);
        var answer = new StringBuilder();
        var pieces = 0;
        (string Reason, string Detail)? broke = null;
        var response = context.Response;
        using var writer = new Utf8JsonWriter((IBufferWriter<byte>)response.BodyWriter);
        try
        {
            if (turn.Stream)
            {
                if (!streaming)
                {
                    StreamingResponse.Start(context, "application/x-ndjson");
                }

                Write(response, writer, new ChatStartEvent(turn.ConversationId, exchangeId, stream.Model, host));
            }

            await foreach (var chunk in stream.ReadAsync(turn.Stream ? response.BodyWriter : null))
            {
                if (chunk.Content is { Length: > 0 } content)
                {
                    pieces++;
                    answer.Append(content);
                    if (turn.Stream)
                    {
                        Write(response, writer, new ChatTokenEvent(content));
                    }
                }
            }
        }
        catch (LlmStreamException ex)
        {
            broke = (ex.Reason, ex.Message);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            broke = (Stopped, "the client went away");
        }

        var final = stream.Final;
        var tokens = final?.EvalCount ?? pieces;
        var failure = broke is { } b ? Describe(b.Reason, host.Name, tokens, llm.StallTimeout) : null;
        if (broke is { } detail)
        {
            LogAnswerBroke(logger, exchangeId, host.Name, tokens, detail.Reason, detail.Detail);
        }

        var latency = Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 2);
        // Always known here: the router hands over an answer once its first piece came. (A saved exchange's is nullable
        // because histories from other nodes may lack it.)
        var ttftMs = Math.Round(stream.TtftMs, 2);
        Exchange exchange;
        if (turn.Continued is { } earlier)
        {
            exchange = earlier with
            {
                Answer = earlier.Answer + answer, Model = stream.Model, Host = host, LatencyMs = Math.Round(earlier.LatencyMs + latency, 2),
                PromptTokens = final?.PromptEvalCount ?? earlier.PromptTokens, CompletionTokens = earlier.CompletionTokens + tokens, Error = failure,
            };
            await store.UpdateAnswerAsync(exchange, CancellationToken.None);
        }
        else
        {
            exchange = new Exchange(exchangeId, turn.ConversationId, turn.Question, answer.ToString(), stream.Model, host, latency,
                ttftMs, final?.PromptEvalCount ?? 0, tokens, time.GetUtcNow(), failure, turn.ParentId, turn.Sources);
            await store.SaveAsync(exchange, CancellationToken.None, turn.Settings);
        }

        if (aborted.IsCancellationRequested)
        {
            return;
        }

        if (failure is not null)
        {
            if (turn.Stream)
            {
                Write(response, writer, new ChatErrorEvent(failure, broke!.Value.Reason, host.Name, tokens));
                await response.BodyWriter.FlushAsync(aborted);
            }
            else
            {
                await WriteFailureAsync(context, StatusCodes.Status502BadGateway, new ChatFailure(failure, broke!.Value.Reason));
            }

            return;
        }

        double? rate = final?.TokensPerSecond is { } tokensPerSecond ? Math.Round(tokensPerSecond, 2) : null;
        if (turn.Stream)
        {
            Write(response, writer, new ChatDoneEvent(exchange.Answer, exchange.LatencyMs, ttftMs, exchange.PromptTokens, exchange.CompletionTokens, rate)
            {
                Sources = turn.Sources,
            });
            await response.BodyWriter.FlushAsync(aborted);
        }
        else
        {
            await response.WriteAsJsonAsync(new ChatApiResponse(exchange.Answer, exchange.Model, host, exchange.LatencyMs, turn.ConversationId,
                exchangeId, ttftMs, exchange.PromptTokens, exchange.CompletionTokens) { Sources = turn.Sources },
                ChatJsonContext.Default.ChatApiResponse, contentType: null, aborted);
        }
    }

    /// <summary>The reason code of an answer the client stopped.</summary>
    public const string Stopped = "stopped";

    /// <summary>What happened to an answer that broke, in one sentence: "stopped: gpu-box went away after 214 tokens".</summary>
    internal static string Describe(string reason, string hostName, int tokens, TimeSpan stallTimeout)
    {
        var after = $"after {tokens.ToString(CultureInfo.InvariantCulture)} {(tokens == 1 ? "token" : "tokens")}";
        var host = hostName.Length > 0 ? hostName : "the host";
        return "stopped: " + reason switch
        {
            LlmStreamException.HostLost => $"{host} went away {after}",
            LlmStreamException.HostStalled => $"{host} sent nothing for {stallTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s {after}",
            LlmStreamException.EndedEarly => $"{host} ended the answer early, {after}",
            Stopped => $"you stopped the answer {after}",
            _ => $"{host} reported an error {after}",
        };
    }

    private static async Task WriteFailureAsync(HttpContext context, int status, ChatFailure failure)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(failure, ChatJsonContext.Default.ChatFailure, contentType: null, context.RequestAborted);
    }

    private static void Write(HttpResponse response, Utf8JsonWriter writer, ChatEvent value)
    {
        JsonSerializer.Serialize(writer, value, ChatJsonContext.Default.ChatEvent);
        writer.Flush();
        writer.Reset();
        response.BodyWriter.Write(s_newline);
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Information,
        Message = "Chat answer {ExchangeId} on {Host} broke after {Tokens} tokens ({Reason}): {Detail}")]
    private static partial void LogAnswerBroke(ILogger logger, string exchangeId, string host, int tokens, string reason, string detail);
}
