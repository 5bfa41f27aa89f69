using System.Net;
using System.Text.Json;
using MeshMind.Infrastructure;
using MeshMind.Node;

namespace MeshMind.Llm.Models;

/// <summary>
/// <c>POST /api/models/copy {"model","from_node_id","to_node_id"}</c> (issue 17): copies a model from one node's Ollama to
/// another's, streaming NDJSON progress (<c>{"status","digest","total","completed"}</c>, then <c>{"status":"success"}</c> or
/// <c>{"error"}</c>). When <c>to_node_id</c> is another node, that node is asked over the mesh to copy it to itself.
/// </summary>
internal static class ModelCopyApi
{
    /// <summary>The largest request body.</summary>
    public const int MaxBodyBytes = 4096;

    public static IEndpointRouteBuilder MapModelCopyApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/models/copy", CopyAsync)
            .AcceptsJson<ModelCopyRequest>()
            .Produces<ModelCopyProgress>(StatusCodes.Status200OK, "application/x-ndjson")
            .ProducesErrors(400, 404, 409, 413, 415, 502);
        return endpoints;
    }

    private static async Task CopyAsync(HttpContext context, ModelCopier copier, NodeInfo node)
    {
        var (request, error) = await JsonBody.ReadAsync(context.Request, ModelCopyJsonContext.Default.ModelCopyRequest, MaxBodyBytes);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        var to = request!.ToNodeId is { Length: > 0 } given ? given : node.NodeId;
        if (Problem(request, to) is { } problem)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
            return;
        }

        if (to != node.NodeId)
        {
            await ForwardAsync(context, copier, request with { ToNodeId = null }, to);
            return;
        }

        await CopyHereAsync(context, copier, request);
    }

    /// <summary>The mesh side: an admitted peer asks this node to copy a model to itself (the peer's user asked for it).</summary>
    public static async Task CopyFromPeerRequestAsync(HttpContext context, ModelCopier copier)
    {
        var (request, error) = await JsonBody.ReadAsync(context.Request, ModelCopyJsonContext.Default.ModelCopyRequest, MaxBodyBytes);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        var self = context.RequestServices.GetRequiredService<NodeInfo>().NodeId;
        if (Problem(request!, self) is { } problem)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
            return;
        }

        await CopyHereAsync(context, copier, request!);
    }

    private static string? Problem(ModelCopyRequest request, string to)
    {
        if (OllamaModelName.Parse(request.Model) is null)
        {
            return "'model' must be a model name as Ollama writes it (e.g. llama3, llama3:8b, someone/model:tag)";
        }

        if (!Infrastructure.Blocks.BlockList.IsSha256Hex(request.FromNodeId))
        {
            return "'from_node_id' must be a node id (64 lowercase hex digits)";
        }

        if (!Infrastructure.Blocks.BlockList.IsSha256Hex(to))
        {
            return "'to_node_id' must be a node id (64 lowercase hex digits), or left out for this node";
        }

        return request.FromNodeId == to ? "'from_node_id' and 'to_node_id' are the same node" : null;
    }

    private static async Task CopyHereAsync(HttpContext context, ModelCopier copier, ModelCopyRequest request)
    {
        var name = OllamaModelName.Parse(request.Model)!;
        var cancellationToken = context.RequestAborted;
        if (copier.LivePeer(request.FromNodeId!) is not { } from)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status404NotFound, "'from_node_id' is no live peer of this node");
            return;
        }

        var (plan, status, failure) = await copier.PlanAsync(from, name, cancellationToken);
        if (plan is null)
        {
            await ApiResults.WriteErrorAsync(context, status, failure!);
            return;
        }

        if (!copier.TryStart(name))
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status409Conflict, $"a copy of '{name.Display}' to this node is already under way");
            return;
        }

        try
        {
            StreamingResponse.Start(context, "application/x-ndjson");
            try
            {
                await copier.RunAsync(plan, progress => WriteAsync(context, progress), cancellationToken);
            }
            catch (Exception ex) when (ex is ModelCopyException or InvalidDataException or IOException or UnauthorizedAccessException or HttpRequestException
                && !cancellationToken.IsCancellationRequested)
            {
                await WriteAsync(context, ModelCopyProgress.Failed(ex is ModelCopyException ? ex.Message : $"the copy failed: {ex.Message}"));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the verified part of the blob in flight is kept for the next copy.
        }
        finally
        {
            copier.Finish(name);
        }
    }

    /// <summary>Asks node <paramref name="to"/> to copy the model to itself, and passes its answer through as it comes.</summary>
    private static async Task ForwardAsync(HttpContext context, ModelCopier copier, ModelCopyRequest request, string to)
    {
        var cancellationToken = context.RequestAborted;
        if (copier.LivePeer(to) is not { } target)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status404NotFound, "'to_node_id' is neither this node nor a live peer of it");
            return;
        }

        HttpResponseMessage upstream;
        try
        {
            using var forwarded = new HttpRequestMessage(HttpMethod.Post, "/mesh/models/copy")
            {
                Content = JsonContent.Create(request, ModelCopyJsonContext.Default.ModelCopyRequest),
            };
            upstream = await copier.Client(target).SendAsync(forwarded, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status502BadGateway, $"'{target.Name}' could not be reached: {ex.Message}");
            return;
        }

        using (upstream)
        {
            context.Response.StatusCode = upstream.StatusCode == HttpStatusCode.OK || (int)upstream.StatusCode is >= 400 and < 500
                ? (int)upstream.StatusCode : StatusCodes.Status502BadGateway;
            StreamingResponse.Start(context, upstream.Content.Headers.ContentType?.ToString() ?? "application/json");
            await using var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            try
            {
                await body.CopyToAsync(context.Response.Body, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // The target node went away mid-copy: say so in the stream's own form.
                await WriteAsync(context, ModelCopyProgress.Failed($"the link to '{target.Name}' broke during the copy: {ex.Message}"));
            }
        }
    }

    private static async Task WriteAsync(HttpContext context, ModelCopyProgress progress)
    {
        var body = context.Response.Body;
        await JsonSerializer.SerializeAsync(body, progress, ModelCopyJsonContext.Default.ModelCopyProgress, context.RequestAborted);
        await body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
        await body.FlushAsync(context.RequestAborted);
    }
}
