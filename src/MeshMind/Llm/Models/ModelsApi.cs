using MeshMind.Infrastructure;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm.Models;

/// <summary>
/// The mesh's models (issue 17): <c>GET /api/models</c> (every model on every node), <c>POST /api/models/pull</c> (onto a chosen
/// node, progress streamed as NDJSON) and <c>DELETE /api/models/{node_id}/{model}</c>. Like every API route they need a session or
/// an API key.
/// </summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder endpoints)
    {
        var models = endpoints.MapGroup("/api/models");
        models.MapGet("", (LlmHosts hosts) => TypedResults.Json(ModelInventory.Of(hosts.Candidates()), ModelsJsonContext.Default.IReadOnlyListMeshModel))
            .Produces<IReadOnlyList<MeshModel>>();
        models.MapPost("/pull", PullAsync)
            .AcceptsJson<PullModelRequest>()
            .Produces<ModelProgressLine>(StatusCodes.Status200OK, ModelProgress.ContentType)
            .ProducesErrors(400, 404, 409, 413, 415, 502, 503);
        // A model name may hold slashes (hf.co/owner/model:tag): the rest of the path is the name, percent-encoded or not.
        models.MapDelete("/{node_id}/{**model}", DeleteAsync)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesErrors(400, 404, 409, 502, 503);
        return endpoints;
    }

    private static async Task PullAsync(HttpContext context, ModelNodes nodes)
    {
        var (request, error) = await JsonBody.ReadAsync(context.Request, ModelsJsonContext.Default.PullModelRequest, maxBytes: 4096);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        var (model, invalid) = ModelOperations.CheckModel(request!.Model);
        if (invalid is not null)
        {
            await invalid.ExecuteAsync(context);
            return;
        }

        var target = nodes.Resolve(request.NodeId?.Trim());
        if (target.Client is null)
        {
            await ApiResults.WriteErrorAsync(context, target.Status, target.Problem!);
            return;
        }

        await ModelOperations.PullAsync(context, target, model!, target.IsLocal ? nodes.RefreshLocalAsync : null);
    }

    private static async Task<IResult> DeleteAsync(string node_id, string model, ModelNodes nodes, HttpContext context)
    {
        var (name, invalid) = ModelOperations.CheckModel(Uri.UnescapeDataString(model));
        if (invalid is not null)
        {
            return invalid;
        }

        var target = nodes.Resolve(node_id);
        if (target.Client is null)
        {
            return ApiResults.Error(target.Status, target.Problem!);
        }

        return await ModelOperations.DeleteAsync(context, target, name!, target.IsLocal ? nodes.RefreshLocalAsync : null);
    }
}
