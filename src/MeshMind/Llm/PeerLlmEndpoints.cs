namespace MeshMind.Llm;

/// <summary>
/// The Ollama contract on the mesh port, for admitted peers (DESIGN §5): <c>/api/version</c>, <c>/api/tags</c>,
/// <c>/api/ps</c> and <c>POST /api/chat</c>. Served by this node's LLM only: a request that came from a peer is never
/// delegated again, so two nodes without an LLM cannot bounce a chat between them.
/// </summary>
public static class PeerLlmEndpoints
{
    public static IEndpointRouteBuilder MapPeerLlm(this IEndpointRouteBuilder peers)
    {
        peers.MapGet("/api/version", OllamaProtocol.Version);
        peers.MapGet("/api/tags", (LlmRouter router) => OllamaProtocol.Tags(router.Catalog(includePeers: false)));
        peers.MapGet("/api/ps", (LlmRouter router) => OllamaProtocol.Ps(router.Catalog(includePeers: false)));
        peers.MapPost("/api/chat", (HttpContext context, LlmRouter router) => ChatAsync(context, router));
        return peers;
    }

    private static async Task ChatAsync(HttpContext context, LlmRouter router)
    {
        var (request, error) = await OllamaProtocol.ReadChatAsync(context.Request);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        await OllamaProtocol.ServeAsync(context, router, request!, includePeers: false, generate: false);
    }
}
