using System.Runtime.InteropServices;
using System.Text.Json;
using MeshMind.Infrastructure;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// OpenAI's <c>POST /v1/embeddings</c> as a front-end: the texts go through the router to a host with the model, and the
/// vectors come back as a list with each input's index, as floats or (<c>"encoding_format": "base64"</c>, which the official
/// SDKs ask for) as base64 of little-endian float32s.
/// </summary>
internal static class OpenAiEmbeddings
{
    public static async Task EmbedAsync(HttpContext context, LlmRouter router)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, OpenAiJsonContext.Default.OpenAiEmbeddingRequest, OllamaFrontEnd.MaxRequestBytes);
        if (error is not null || body is null)
        {
            var message = error is IValueHttpResult { Value: ErrorResponse e } ? e.Error : "the request body is not valid";
            await OpenAiApi.WriteErrorAsync(context, (error as IStatusCodeHttpResult)?.StatusCode ?? 400, message, "invalid_request_error");
            return;
        }

        if (string.IsNullOrWhiteSpace(body.Model))
        {
            await OpenAiApi.WriteErrorAsync(context, 400, "'model' is required", "invalid_request_error", "model");
            return;
        }

        if (EmbedRequest.Inputs(body.Input) is not { } inputs)
        {
            await OpenAiApi.WriteErrorAsync(context, 400, EmbedRequest.InputRule, "invalid_request_error", "input");
            return;
        }

        var base64 = body.EncodingFormat is "base64";
        if (body.EncodingFormat is not (null or "float" or "base64"))
        {
            await OpenAiApi.WriteErrorAsync(context, 400, "'encoding_format' must be \"float\" or \"base64\"", "invalid_request_error", "encoding_format");
            return;
        }

        EmbedResult result;
        try
        {
            result = await router.EmbedAsync(new EmbedRequest(body.Model.Trim(), inputs) { OllamaExtras = body.Extras is { Count: > 0 } extras ? extras : null },
                includePeers: true, context.RequestAborted);
        }
        catch (LlmUnavailableException ex)
        {
            await OpenAiApi.WriteErrorAsync(context, ex.StatusCode, ex.Message, ex.StatusCode == 404 ? "invalid_request_error" : "server_error",
                code: ex.StatusCode == 404 ? "model_not_found" : null);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var data = new OpenAiEmbedding[result.Embeddings.Count];
        for (var i = 0; i < data.Length; i++)
        {
            var vector = result.Embeddings[i];
            data[i] = new OpenAiEmbedding("embedding", i, base64
                // The bytes of the floats as they lie in memory: little-endian on every platform .NET runs MeshMind on.
                ? JsonSerializer.SerializeToElement(Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())), OpenAiJsonContext.Default.String)
                : JsonSerializer.SerializeToElement(vector, OpenAiJsonContext.Default.SingleArray));
        }

        await context.Response.WriteAsJsonAsync(
            new OpenAiEmbeddingList("list", data, result.Model, new OpenAiEmbeddingUsage(result.PromptEvalCount, result.PromptEvalCount)),
            OpenAiJsonContext.Default.OpenAiEmbeddingList, contentType: null, context.RequestAborted);
    }
}
