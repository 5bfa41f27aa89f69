using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MeshMind.Infrastructure;
using MeshMind.Node;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace MeshMind.Llm;

/// <summary>
/// Ollama's HTTP API (its public documentation is the contract), served on the mesh port to admitted peers (this node's
/// LLM only) and under <c>/ollama</c> on the people-facing port (the whole mesh).
/// </summary>
public static class OllamaProtocol
{
    /// <summary>Chat and generate requests may carry long histories and images; the server's body cap still applies.</summary>
    public const long MaxRequestBytes = 1024 * 1024;

    private static readonly byte[] s_newline = "\n"u8.ToArray();

    public static IResult Version() =>
        TypedResults.Json(new OllamaVersion(NodeInfo.Version), OllamaJsonContext.Default.OllamaVersion);

    public static IResult Tags(IReadOnlyList<CatalogModel> catalog) =>
        TypedResults.Json(new OllamaModelList([.. catalog.Select(m => Entry(m, running: false))]), OllamaJsonContext.Default.OllamaModelList);

    public static IResult Ps(IReadOnlyList<CatalogModel> catalog) =>
        TypedResults.Json(new OllamaModelList([.. catalog.Where(m => m.Hosts.Any(h => h.Loaded)).Select(m => Entry(m, running: true))]),
            OllamaJsonContext.Default.OllamaModelList);

    private static OllamaModelEntry Entry(CatalogModel model, bool running)
    {
        var details = model.Details;
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(model.Name)));
        return new OllamaModelEntry(model.Name, model.Name, "1970-01-01T00:00:00Z", details?.Size ?? 0, digest,
            new OllamaModelDetails("", "gguf", details?.Family ?? "", details is { Family.Length: > 0 } ? [details.Family] : [], details?.ParameterSize ?? "", ""))
        {
            ExpiresAt = running ? DateTimeOffset.UtcNow.AddMinutes(5).ToString("o", CultureInfo.InvariantCulture) : null,
            SizeVram = running ? details?.Size ?? 0 : null,
        };
    }

    public static Task<(ChatRequest? Value, IResult? Error)> ReadChatAsync(HttpRequest request) =>
        JsonBody.ReadAsync(request, OllamaWireContext.Default.ChatRequest, MaxRequestBytes);

    public static Task<(GenerateRequest? Value, IResult? Error)> ReadGenerateAsync(HttpRequest request) =>
        JsonBody.ReadAsync(request, OllamaWireContext.Default.GenerateRequest, MaxRequestBytes);

    /// <summary>A generate request as the equivalent chat: optional system prompt, then the prompt as the user's message.</summary>
    public static ChatRequest ToChat(GenerateRequest generate)
    {
        var messages = new List<Message>();
        if (!string.IsNullOrEmpty(generate.System))
        {
            messages.Add(new Message(ChatRole.System, generate.System));
        }

        messages.Add(new Message(ChatRole.User, generate.Prompt ?? "") { Images = generate.Images });
        return new ChatRequest
        {
            Model = generate.Model,
            Messages = messages,
            Options = generate.Options,
            Format = generate.Format,
            KeepAlive = generate.KeepAlive,
            Stream = generate.Stream,
        };
    }

    /// <summary>
    /// Routes a chat and writes it in Ollama's form: NDJSON when streaming, one object otherwise; errors as
    /// <c>{"error": ...}</c>. A streamed chat is passed on line by line as the host's bytes (<see cref="LlmAnswer.CopyToAsync"/>).
    /// </summary>
    public static async Task ServeAsync(HttpContext context, LlmRouter router, ChatRequest request, bool includePeers, bool generate)
    {
        var streaming = request.Stream;
        LlmAnswer stream;
        try
        {
            stream = await router.OpenAsync(request, includePeers, context.RequestAborted);
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

        await using (stream)
        {
            var response = context.Response;
            StartStreaming(context, streaming ? "application/x-ndjson" : "application/json; charset=utf-8");
            using var writer = new Utf8JsonWriter((IBufferWriter<byte>)response.BodyWriter);
            var text = streaming ? null : new System.Text.StringBuilder();
            try
            {
                if (streaming && !generate)
                {
                    // Ollama's own chat stream: the host's lines go out as they came, unparsed but for the last.
                    await stream.CopyToAsync(response.BodyWriter);
                    await response.BodyWriter.FlushAsync(context.RequestAborted);
                    return;
                }

                await foreach (var chunk in stream.ReadAsync(streaming ? response.BodyWriter : null))
                {
                    if (!streaming)
                    {
                        if (!chunk.Done)
                        {
                            text!.Append(chunk.Message?.Content);
                            continue;
                        }

                        text!.Append(chunk.Message?.Content);
                        if (chunk.Message is { } last)
                        {
                            last.Content = text.ToString();
                        }
                    }

                    Write(writer, chunk, generate);
                    writer.Flush();
                    writer.Reset();
                    if (streaming)
                    {
                        response.BodyWriter.Write(s_newline);
                    }
                }

                await response.BodyWriter.FlushAsync(context.RequestAborted);
            }
            catch (LlmStreamException ex)
            {
                if (!streaming && !response.HasStarted)
                {
                    response.StatusCode = StatusCodes.Status502BadGateway;
                }

                JsonSerializer.Serialize(writer, new OllamaError(ex.Message), OllamaJsonContext.Default.OllamaError);
                writer.Flush();
                response.BodyWriter.Write(s_newline);
                await response.BodyWriter.FlushAsync(context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; disposing the stream cancels the request at the host.
            }
        }
    }

    /// <summary>Sets up a response whose chunks must reach the client as they are written: no caching, no response buffering.</summary>
    internal static void StartStreaming(HttpContext context, string contentType)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private static void Write(Utf8JsonWriter writer, ChatResponseStream chunk, bool generate)
    {
        if (!generate)
        {
            if (chunk is ChatDoneResponseStream done)
            {
                JsonSerializer.Serialize(writer, done, OllamaWireContext.Default.ChatDoneResponseStream);
            }
            else
            {
                JsonSerializer.Serialize(writer, chunk, OllamaWireContext.Default.ChatResponseStream);
            }

            return;
        }

        if (chunk is ChatDoneResponseStream final)
        {
            JsonSerializer.Serialize(writer, new GenerateDoneResponseStream
            {
                Model = final.Model,
                CreatedAtString = final.CreatedAtString,
                Response = final.Message?.Content ?? "",
                Done = true,
                DoneReason = final.DoneReason,
                TotalDuration = final.TotalDuration,
                LoadDuration = final.LoadDuration,
                PromptEvalCount = final.PromptEvalCount,
                PromptEvalDuration = final.PromptEvalDuration,
                EvalCount = final.EvalCount,
                EvalDuration = final.EvalDuration,
            }, OllamaWireContext.Default.GenerateDoneResponseStream);
        }
        else
        {
            JsonSerializer.Serialize(writer, new GenerateResponseStream
            {
                Model = chunk.Model,
                CreatedAtString = chunk.CreatedAtString,
                Response = chunk.Message?.Content ?? "",
                Done = chunk.Done,
            }, OllamaWireContext.Default.GenerateResponseStream);
        }
    }
}
