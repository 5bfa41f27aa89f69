using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshMind.Infrastructure;
using MeshMind.Llm.Models;
using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Routing;
using MeshMind.Node;

namespace MeshMind.Llm.Ollama;

/// <summary>
/// Ollama's HTTP API as a front-end (its public documentation is the contract): reads Ollama requests into
/// <see cref="LlmRequest"/>s, asks the router, and writes the answer in Ollama's form. Served under <c>/ollama</c> on the
/// people-facing port (the whole mesh) and on the mesh port to admitted peers (this node's LLM only).
/// </summary>
internal static class OllamaFrontEnd
{
    /// <summary>Chat and generate requests may carry long histories and images; the server's body cap still applies.</summary>
    public const long MaxRequestBytes = 1024 * 1024;

    private static readonly byte[] s_newline = "\n"u8.ToArray();

    public static IResult Version() =>
        TypedResults.Json(new OllamaVersion(NodeInfo.Version), OllamaJsonContext.Default.OllamaVersion);

    /// <summary><c>/api/tags</c>: every model, one entry per name (the content most nodes have, when nodes differ).</summary>
    public static IResult Tags(IReadOnlyList<MeshModel> inventory, TimeProvider time) =>
        TypedResults.Json(new OllamaModelList([.. ModelInventory.ByName(inventory).Select(m => Entry(m, running: false, time))]), OllamaJsonContext.Default.OllamaModelList);

    /// <summary><c>/api/ps</c>: every model loaded on some node.</summary>
    public static IResult Ps(IReadOnlyList<MeshModel> inventory, TimeProvider time) =>
        TypedResults.Json(new OllamaModelList([.. ModelInventory.ByName([.. inventory.Where(m => m.Nodes.Any(n => n.Loaded))]).Select(m => Entry(m, running: true, time))]),
            OllamaJsonContext.Default.OllamaModelList);

    private static OllamaModelEntry Entry(MeshModel model, bool running, TimeProvider time)
    {
        // A node that did not send its digest (an older peer, an OpenAI-compatible backend) gets a stable stand-in.
        var digest = model.Digest.Length > 0 ? model.Digest : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(model.Name)));
        return new OllamaModelEntry(model.Name, model.Name, "1970-01-01T00:00:00Z", model.Size, digest,
            new OllamaModelDetails("", "gguf", model.Family, model.Family.Length > 0 ? [model.Family] : [], model.ParameterSize, model.QuantizationLevel))
        {
            ExpiresAt = running ? time.GetUtcNow().AddMinutes(5).ToString("o", CultureInfo.InvariantCulture) : null,
            SizeVram = running ? model.Size : null,
        };
    }

    public static Task<(OllamaChatRequest? Value, IResult? Error)> ReadChatAsync(HttpRequest request) =>
        JsonBody.ReadAsync(request, OllamaJsonContext.Default.OllamaChatRequest, MaxRequestBytes);

    public static Task<(OllamaGenerateRequest? Value, IResult? Error)> ReadGenerateAsync(HttpRequest request) =>
        JsonBody.ReadAsync(request, OllamaJsonContext.Default.OllamaGenerateRequest, MaxRequestBytes);

    /// <summary>Reads an Ollama chat request and answers it (<paramref name="includePeers"/>: through the mesh, or this node's LLM only).</summary>
    public static async Task ChatAsync(HttpContext context, LlmRouter router, bool includePeers)
    {
        var (request, error) = await ReadChatAsync(context.Request);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        await ServeAsync(context, router, OllamaTranslation.ToRequest(request!), request!.Stream ?? true, generate: false, includePeers);
    }

    /// <summary>Reads an Ollama generate request and answers it through the mesh, in generate's form (an Ollama host gets every field sent).</summary>
    public static Task GenerateInMeshAsync(HttpContext context, LlmRouter router) => GenerateAsync(context, router, includePeers: true);

    /// <summary>
    /// Reads an Ollama generate request and answers it in generate's form: an Ollama host gets the generate with every field
    /// the client sent (<paramref name="includePeers"/>: through the mesh, or this node's LLM only).
    /// </summary>
    public static async Task GenerateAsync(HttpContext context, LlmRouter router, bool includePeers)
    {
        var (request, error) = await ReadGenerateAsync(context.Request);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        await ServeAsync(context, router, OllamaTranslation.ToRequest(request!), request!.Stream ?? true, generate: true, includePeers);
    }

    /// <summary>
    /// Routes a chat and writes it in Ollama's form: NDJSON when streaming, one object otherwise; errors as
    /// <c>{"error": ...}</c>. A streamed answer from a host that speaks Ollama is passed on as the host's bytes
    /// (<see cref="LlmAnswer.CopyOllamaLinesAsync"/>: a chat's lines for a chat, a generate's for a generate, as
    /// <see cref="OllamaBackend"/> asks); anything else is written from the answer's chunks, a whole answer with the
    /// thinking, tool calls and final fields the chunks carried.
    /// </summary>
    public static async Task ServeAsync(HttpContext context, LlmRouter router, LlmRequest request, bool streaming, bool generate, bool includePeers)
    {
        LlmAnswer answer;
        try
        {
            answer = await router.OpenAsync(request, includePeers, context.RequestAborted, origin: RequestOrigin.Of(context));
        }
        catch (LlmUnavailableException ex)
        {
            context.Response.StatusCode = ex.StatusCode;
            await context.Response.WriteAsJsonAsync(new OllamaError(ex.Message), OllamaJsonContext.Default.OllamaError, contentType: null, context.RequestAborted);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await using (answer)
        {
            var response = context.Response;
            response.Headers[LlmAnswer.HostHeader] = answer.Host.NodeId;
            var time = context.RequestServices.GetRequiredService<TimeProvider>();
            StreamingResponse.Start(context, streaming ? "application/x-ndjson" : "application/json; charset=utf-8");
            using var writer = new Utf8JsonWriter((IBufferWriter<byte>)response.BodyWriter);
            try
            {
                if (streaming && answer.HasOllamaLines)
                {
                    // Ollama's own stream: the host's lines go out as they came, unparsed but for the last.
                    await answer.CopyOllamaLinesAsync(response.BodyWriter);
                    await response.BodyWriter.FlushAsync(context.RequestAborted);
                    return;
                }

                var text = streaming ? null : new StringBuilder();
                StringBuilder? thinking = null;
                List<JsonElement>? toolCalls = null;
                await foreach (var chunk in answer.ReadAsync(streaming ? response.BodyWriter : null))
                {
                    if (!streaming)
                    {
                        text!.Append(chunk.Content);
                        if (chunk.Thinking is { Length: > 0 } thought)
                        {
                            (thinking ??= new StringBuilder()).Append(thought);
                        }

                        if (chunk.ToolCalls is { ValueKind: JsonValueKind.Array } calls)
                        {
                            (toolCalls ??= []).AddRange(calls.EnumerateArray());
                        }

                        continue;
                    }

                    if (generate)
                    {
                        Write(writer, response, OllamaTranslation.GenerateLine(answer.Model, chunk, time.GetUtcNow()));
                    }
                    else
                    {
                        Write(writer, response, OllamaTranslation.ChatLine(answer.Model, chunk, time.GetUtcNow()));
                    }
                }

                var final = answer.Final!;
                var content = text?.ToString() ?? "";
                if (generate)
                {
                    Write(writer, response, OllamaTranslation.GenerateDone(answer.Model, final, content, time.GetUtcNow(), thinking?.ToString()),
                        newline: streaming);
                }
                else
                {
                    Write(writer, response, OllamaTranslation.ChatDone(answer.Model, final, content, time.GetUtcNow(), thinking?.ToString(),
                        toolCalls is null ? null : Json.Array(toolCalls)), newline: streaming);
                }
                await response.BodyWriter.FlushAsync(context.RequestAborted);
            }
            catch (LlmStreamException ex)
            {
                if (!streaming && !response.HasStarted)
                {
                    response.StatusCode = StatusCodes.Status502BadGateway;
                }

                writer.Reset();
                JsonSerializer.Serialize(writer, new OllamaError(ex.Message), OllamaJsonContext.Default.OllamaError);
                writer.Flush();
                response.BodyWriter.Write(s_newline);
                await response.BodyWriter.FlushAsync(context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; disposing the answer cancels the request at the host.
            }
        }
    }

    private static void Write(Utf8JsonWriter writer, HttpResponse response, OllamaChatLine line, bool newline = true)
    {
        JsonSerializer.Serialize(writer, line, OllamaJsonContext.Default.OllamaChatLine);
        End(writer, response, newline);
    }

    private static void Write(Utf8JsonWriter writer, HttpResponse response, OllamaGenerateLine line, bool newline = true)
    {
        JsonSerializer.Serialize(writer, line, OllamaJsonContext.Default.OllamaGenerateLine);
        End(writer, response, newline);
    }

    private static void End(Utf8JsonWriter writer, HttpResponse response, bool newline)
    {
        writer.Flush();
        writer.Reset();
        if (newline)
        {
            response.BodyWriter.Write(s_newline);
        }
    }
}
