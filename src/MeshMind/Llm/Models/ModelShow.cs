using System.Text.Json;
using MeshMind.Infrastructure;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm.Models;

/// <summary>
/// Ollama's <c>POST /api/show</c> for the whole mesh: the request goes, as the client sent it, to a node that has the model (this
/// node first), and that node's Ollama answers (a peer's through its mesh port).
/// </summary>
internal static class ModelShow
{
    private const int MaxRequestBytes = 64 * 1024;

    /// <summary>The facade's <c>/api/show</c>: 400 without a model, 404 (Ollama's form) when no node has it.</summary>
    public static async Task ShowAsync(HttpContext context, LlmHosts hosts, ModelNodes nodes)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, ModelsWireJsonContext.Default.ShowBody, MaxRequestBytes);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        var model = body!.Model ?? body.Name;
        if (string.IsNullOrWhiteSpace(model))
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "model: name the model to show");
            return;
        }

        var host = hosts.Candidates().Where(c => c.Capability.Serves(model)).OrderBy(c => c.Host.IsLocal ? 0 : 1).FirstOrDefault();
        var target = host is null ? null : nodes.Resolve(host.Host.IsLocal ? null : host.Host.NodeId);
        if (target?.Client is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new OllamaError($"model '{model}' not found"), OllamaJsonContext.Default.OllamaError, contentType: null, context.RequestAborted);
            return;
        }

        await ForwardAsync(context, target, JsonSerializer.SerializeToUtf8Bytes(body, ModelsWireJsonContext.Default.ShowBody));
    }

    /// <summary>Sends the request's body (read here when <paramref name="body"/> is null) to <paramref name="target"/>'s <c>/api/show</c> and copies the answer back.</summary>
    public static async Task ForwardAsync(HttpContext context, ModelTarget target, byte[]? body = null)
    {
        if (body is null)
        {
            var (read, error) = await JsonBody.ReadAsync(context.Request, ModelsWireJsonContext.Default.ShowBody, MaxRequestBytes);
            if (error is not null)
            {
                await error.ExecuteAsync(context);
                return;
            }

            body = JsonSerializer.SerializeToUtf8Bytes(read!, ModelsWireJsonContext.Default.ShowBody);
        }

        try
        {
            using var response = await target.Client!.ShowAsync(body, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json; charset=utf-8";
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (HttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsJsonAsync(new OllamaError(ModelOperations.Unreachable(target, ex)), OllamaJsonContext.Default.OllamaError,
                contentType: null, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
