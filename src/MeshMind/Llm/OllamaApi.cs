namespace MeshMind.Llm;

/// <summary>
/// Ollama-compatible API for the whole mesh under <c>/ollama</c> on the people-facing port (session or API key), so
/// Open WebUI or any Ollama client uses every node's models with base URL <c>http://node:8080/ollama</c>.
/// </summary>
public static class OllamaApi
{
    public static IEndpointRouteBuilder MapOllamaApi(this IEndpointRouteBuilder endpoints)
    {
        // Also at the root (POST /api/chat there takes both the seed's and Ollama's body): base URL http://node:8080 works too.
        endpoints.MapGet("/api/version", OllamaProtocol.Version);
        endpoints.MapGet("/api/tags", (LlmRouter router) => OllamaProtocol.Tags(router.Catalog()));
        endpoints.MapGet("/api/ps", (LlmRouter router) => OllamaProtocol.Ps(router.Catalog()));
        endpoints.MapPost("/api/generate", (HttpContext context, LlmRouter router) => GenerateAsync(context, router));

        var ollama = endpoints.MapGroup("/ollama");
        ollama.MapGet("/", () => TypedResults.Text("Ollama is running"));
        ollama.MapGet("/api/version", OllamaProtocol.Version);
        ollama.MapGet("/api/tags", (LlmRouter router) => OllamaProtocol.Tags(router.Catalog()));
        ollama.MapGet("/api/ps", (LlmRouter router) => OllamaProtocol.Ps(router.Catalog()));
        ollama.MapPost("/api/generate", (HttpContext context, LlmRouter router) => GenerateAsync(context, router));
        ollama.MapPost("/api/chat", (HttpContext context, LlmRouter router) => ChatAsync(context, router));
        return endpoints;
    }

    // The handlers above are plain lambdas, not the async methods themselves: endpoint routing reads each handler's
    // attributes, and an async method's [AsyncStateMachine] names its state machine, whose awaiters over OllamaSharp's
    // types would load OllamaSharp and Microsoft.Extensions.AI at start-up (about 1 MB) on a node that may never chat.
    private static async Task ChatAsync(HttpContext context, LlmRouter router)
    {
        var (request, error) = await OllamaProtocol.ReadChatAsync(context.Request);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        await OllamaProtocol.ServeAsync(context, router, request!, includePeers: true, generate: false);
    }

    private static async Task GenerateAsync(HttpContext context, LlmRouter router)
    {
        var (request, error) = await OllamaProtocol.ReadGenerateAsync(context.Request);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }

        await OllamaProtocol.ServeAsync(context, router, OllamaProtocol.ToChat(request!), includePeers: true, generate: true);
    }
}
