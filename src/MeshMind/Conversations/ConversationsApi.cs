using MeshMind.Infrastructure;
using MeshMind.Node;

namespace MeshMind.Conversations;

/// <summary><c>/api/local</c>, <c>/api/conversations</c>, <c>/api/conversations/{id}</c> and <c>/api/peers/{node_id}/conversations</c>.</summary>
internal static class ConversationsApi
{
    private const int ListLimit = 500;

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/local", async (ConversationStore store, NodeInfo node, CancellationToken cancellationToken) =>
            TypedResults.Json(new NodeHistory(node.NodeId, node.Name, null, await store.RecentAsync(ListLimit, cancellationToken)),
                ConversationJsonContext.Default.NodeHistory))
            .Produces<NodeHistory>();

        endpoints.MapGet("/api/conversations", async (ConversationStore store, CancellationToken cancellationToken) =>
            TypedResults.Json(new ConversationList(await store.ListAsync(ListLimit, cancellationToken)), ConversationJsonContext.Default.ConversationList))
            .Produces<ConversationList>();

        endpoints.MapGet("/api/conversations/{id}", async Task<IResult> (string id, ConversationStore store, CancellationToken cancellationToken) =>
            ConversationStore.IsValidId(id) && await store.GetAsync(id, cancellationToken) is { } conversation
                ? TypedResults.Json(conversation, ConversationJsonContext.Default.ConversationDetail)
                : ApiResults.Error(StatusCodes.Status404NotFound, $"no conversation '{Shorten(id)}' on this node"))
            .Produces<ConversationDetail>()
            .ProducesErrors(404);

        endpoints.MapGet("/api/peers/{nodeId}/conversations", async Task<IResult> (string nodeId, ConversationStore store, CancellationToken cancellationToken) =>
            nodeId.Length == 64 && await store.PeerAsync(nodeId, ListLimit, cancellationToken) is { } history
                ? TypedResults.Json(history, ConversationJsonContext.Default.NodeHistory)
                : ApiResults.Error(StatusCodes.Status404NotFound, $"no conversations received from node '{Shorten(nodeId)}'"))
            .Produces<NodeHistory>()
            .ProducesErrors(404);
        return endpoints;
    }

    private static string Shorten(string value) => value.Length <= 70 ? value : value[..70] + "…";
}
