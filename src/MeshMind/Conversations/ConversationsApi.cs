using System.Text.Json;
using MeshMind.Infrastructure;
using MeshMind.Node;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Conversations;

/// <summary>
/// <c>/api/local</c>, <c>/api/conversations</c> (list and <c>?q=</c> search), <c>/api/conversations/{id}</c> (read, rename and
/// settings, delete) and <c>/api/peers/{node_id}/conversations</c> (read, and copy one to continue it here).
/// </summary>
internal static class ConversationsApi
{
    private const int ListLimit = 500;
    private const int SearchLimit = 50;
    public const int MaxTitleLength = 200;
    private const long MaxUpdateBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/local", async (ConversationStore store, NodeInfo node, CancellationToken cancellationToken) =>
            TypedResults.Json(new NodeHistory(node.NodeId, node.Name, null, await store.RecentAsync(ListLimit, cancellationToken)),
                ConversationJsonContext.Default.NodeHistory))
            .Produces<NodeHistory>();

        endpoints.MapGet("/api/conversations", ListAsync)
            .Produces<ConversationList>()
            .ProducesErrors(400);

        endpoints.MapGet("/api/conversations/{id}", async Task<IResult> (string id, ConversationStore store, CancellationToken cancellationToken) =>
            ConversationStore.IsValidId(id) && await store.GetAsync(id, cancellationToken) is { } conversation
                ? TypedResults.Json(conversation, ConversationJsonContext.Default.ConversationDetail)
                : NotFound(id))
            .Produces<ConversationDetail>()
            .ProducesErrors(404);

        endpoints.MapPatch("/api/conversations/{id}", UpdateAsync)
            .AcceptsJson<ConversationUpdate>()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesErrors(400, 404, 413, 415);

        endpoints.MapDelete("/api/conversations/{id}", async Task<IResult> (string id, ConversationStore store, CancellationToken cancellationToken) =>
            ConversationStore.IsValidId(id) && await store.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id))
            .Produces(StatusCodes.Status204NoContent)
            .ProducesErrors(404);

        endpoints.MapGet("/api/peers/{nodeId}/conversations", async Task<IResult> (string nodeId, ConversationStore store, CancellationToken cancellationToken) =>
            nodeId.Length == 64 && await store.PeerAsync(nodeId, ListLimit, cancellationToken) is { } history
                ? TypedResults.Json(history, ConversationJsonContext.Default.NodeHistory)
                : ApiResults.Error(StatusCodes.Status404NotFound, $"no conversations received from node '{Shorten(nodeId)}'"))
            .Produces<NodeHistory>()
            .ProducesErrors(404);

        endpoints.MapPost("/api/peers/{nodeId}/conversations/{conversationId}/copy", async Task<IResult> (string nodeId, string conversationId,
            ConversationStore store, CancellationToken cancellationToken) =>
            nodeId.Length == 64 && ConversationStore.IsValidId(conversationId)
                && await store.CopyFromPeerAsync(nodeId, conversationId, cancellationToken) is { } copy
                ? TypedResults.Json(copy, ConversationJsonContext.Default.ConversationCopy, statusCode: StatusCodes.Status201Created)
                : ApiResults.Error(StatusCodes.Status404NotFound, $"no conversation '{Shorten(conversationId)}' received from node '{Shorten(nodeId)}'"))
            .Produces<ConversationCopy>(StatusCodes.Status201Created)
            .ProducesErrors(404);
        return endpoints;
    }

    /// <summary>With <c>q</c>: only conversations whose title, questions or answers contain it (at most 200 characters; case-insensitive for ASCII letters).</summary>
    private static async Task<IResult> ListAsync(string? q, ConversationStore store, CancellationToken cancellationToken)
    {
        var query = q?.Trim();
        if (string.IsNullOrEmpty(query))
        {
            return TypedResults.Json(new ConversationList(await store.ListAsync(ListLimit, cancellationToken)), ConversationJsonContext.Default.ConversationList);
        }

        if (query.Length > ConversationStore.MaxQueryLength)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"'q' is longer than {ConversationStore.MaxQueryLength} characters");
        }

        return TypedResults.Json(new ConversationList(await store.SearchAsync(query, SearchLimit, cancellationToken)), ConversationJsonContext.Default.ConversationList);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext context, ConversationStore store)
    {
        var aborted = context.RequestAborted;
        var (body, error) = await JsonBody.ReadAsync(context.Request, ConversationJsonContext.Default.JsonObject, MaxUpdateBytes);
        if (error is not null)
        {
            return error;
        }

        if (!ConversationStore.IsValidId(id) || await store.HeaderAsync(id, aborted) is not { } current)
        {
            return NotFound(id);
        }

        var title = current.Title;
        if (body!.TryGetPropertyValue("title", out var titleNode))
        {
            var text = titleNode?.GetValueKind() == JsonValueKind.String ? titleNode.GetValue<string>().ReplaceLineEndings(" ").Trim() : null;
            if (text is null || text.Length is 0 or > MaxTitleLength || text.Any(char.IsControl))
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, $"'title' must be 1 to {MaxTitleLength} printable characters");
            }

            title = text;
        }

        var (settings, invalid) = ConversationSettingsInput.Read(body, current.Settings);
        if (invalid is not null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, invalid);
        }

        return await store.UpdateAsync(id, title, settings!, aborted) ? TypedResults.NoContent() : NotFound(id);
    }

    private static JsonHttpResult<ErrorResponse> NotFound(string id) => ApiResults.Error(StatusCodes.Status404NotFound, $"no conversation '{Shorten(id)}' on this node");

    private static string Shorten(string value) => value.Length <= 70 ? value : value[..70] + "…";
}
