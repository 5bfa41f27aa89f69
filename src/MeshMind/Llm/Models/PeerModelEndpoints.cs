using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Models;

/// <summary>
/// Model management on the mesh port, for admitted peers, in Ollama's own contract: <c>POST /api/pull</c>, <c>DELETE /api/delete</c>
/// and <c>POST /api/show</c>, served by this node's Ollama only (never passed on again). After a pull or a delete this node reads its
/// models again, so every peer learns the change through its capability.
/// </summary>
/// <remarks>A node that does not serve its LLM to peers (<see cref="LlmOptions.ServePeers"/> off) does not let them change it either.</remarks>
internal static class PeerModelEndpoints
{
    public static IEndpointRouteBuilder MapPeerModels(this IEndpointRouteBuilder peers)
    {
        peers.MapPost("/api/pull", PullAsync);
        peers.MapDelete("/api/delete", DeleteAsync);
        peers.MapPost("/api/show", ShowAsync);
        return peers;
    }

    private static async Task PullAsync(HttpContext context, ModelNodes nodes, IOptions<LlmOptions> options)
    {
        var (target, model, error) = await ReadAsync(context, nodes, options.Value);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        await ModelOperations.PullAsync(context, target!, model!, nodes.RefreshLocalAsync);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ModelNodes nodes, IOptions<LlmOptions> options)
    {
        var (target, model, error) = await ReadAsync(context, nodes, options.Value);
        return error ?? await ModelOperations.DeleteAsync(context, target!, model!, nodes.RefreshLocalAsync);
    }

    private static async Task ShowAsync(HttpContext context, ModelNodes nodes, IOptions<LlmOptions> options)
    {
        var target = nodes.Resolve(null);
        if (!options.Value.ServePeers || target.Client is null)
        {
            await ApiResults.WriteErrorAsync(context, target.Client is null ? target.Status : StatusCodes.Status403Forbidden, Refusal(target, options.Value));
            return;
        }

        await ModelShow.ForwardAsync(context, target);
    }

    private static async Task<(ModelTarget? Target, string? Model, IResult? Error)> ReadAsync(HttpContext context, ModelNodes nodes, LlmOptions options)
    {
        var target = nodes.Resolve(null);
        if (!options.ServePeers || target.Client is null)
        {
            return (null, null, ApiResults.Error(target.Client is null ? target.Status : StatusCodes.Status403Forbidden, Refusal(target, options)));
        }

        var (body, error) = await JsonBody.ReadAsync(context.Request, ModelsWireJsonContext.Default.PullBody, maxBytes: 4096);
        if (error is not null)
        {
            return (null, null, error);
        }

        var (model, invalid) = ModelOperations.CheckModel(body!.Model);
        return (target, model, invalid);
    }

    private static string Refusal(ModelTarget target, LlmOptions options) =>
        target.Problem ?? (options.ServePeers ? "" : $"{target.Name} does not let peers use its LLM (Llm:ServePeers is off)");
}
