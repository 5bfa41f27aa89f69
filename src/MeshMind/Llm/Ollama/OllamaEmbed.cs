using MeshMind.Infrastructure;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm.Ollama;

/// <summary>
/// Ollama's <c>POST /api/embed</c> as a front-end: the texts go to a host with the model through the router (the whole
/// mesh, or this node's LLM only for a peer's request), and the vectors come back in Ollama's form; errors as <c>{"error"}</c>.
/// </summary>
internal static class OllamaEmbed
{
    public static async Task EmbedAsync(HttpContext context, LlmRouter router, bool includePeers)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, OllamaJsonContext.Default.OllamaEmbedRequest, OllamaFrontEnd.MaxRequestBytes);
        if (error is not null || body is null)
        {
            await (error ?? ApiResults.Error(StatusCodes.Status400BadRequest, "the request body is not valid")).ExecuteAsync(context);
            return;
        }

        if (string.IsNullOrWhiteSpace(body.Model))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "'model' is required");
            return;
        }

        if (EmbedRequest.Inputs(body.Input) is not { } inputs)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, EmbedRequest.InputRule);
            return;
        }

        EmbedResult result;
        try
        {
            result = await router.EmbedAsync(new EmbedRequest(body.Model.Trim(), inputs) { OllamaExtras = body.Extras is { Count: > 0 } extras ? extras : null },
                includePeers, context.RequestAborted, RequestOrigin.Of(context).Peer);
        }
        catch (LlmUnavailableException ex)
        {
            await WriteErrorAsync(context, ex.StatusCode, ex.Message);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(
            new OllamaEmbedResponse
            {
                Model = result.Model,
                Embeddings = [.. result.Embeddings],
                TotalDuration = result.TotalDuration,
                LoadDuration = result.LoadDuration,
                PromptEvalCount = result.PromptEvalCount,
            },
            OllamaJsonContext.Default.OllamaEmbedResponse, contentType: null, context.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new OllamaError(message), OllamaJsonContext.Default.OllamaError, contentType: null, context.RequestAborted);
    }
}
