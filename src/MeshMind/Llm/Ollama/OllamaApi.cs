using MeshMind.Llm.Routing;

namespace MeshMind.Llm.Ollama;

/// <summary>
/// Ollama-compatible API for the whole mesh under <c>/ollama</c> on the people-facing port (session or API key), so
/// Open WebUI or any Ollama client uses every node's models with base URL <c>http://node:8080/ollama</c>.
/// </summary>
internal static class OllamaApi
{
    public static IEndpointRouteBuilder MapOllamaApi(this IEndpointRouteBuilder endpoints)
    {
        // Also at the root (POST /api/chat there takes both the seed's and Ollama's body): base URL http://node:8080 works too.
        endpoints.MapGet("/api/version", OllamaFrontEnd.Version);
        endpoints.MapGet("/api/tags", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Tags(hosts.Catalog(), time));
        endpoints.MapGet("/api/ps", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Ps(hosts.Catalog(), time));
        endpoints.MapPost("/api/generate", OllamaFrontEnd.GenerateAsync);

        var ollama = endpoints.MapGroup("/ollama");
        ollama.MapGet("/", () => TypedResults.Text("Ollama is running"));
        ollama.MapGet("/api/version", OllamaFrontEnd.Version);
        ollama.MapGet("/api/tags", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Tags(hosts.Catalog(), time));
        ollama.MapGet("/api/ps", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Ps(hosts.Catalog(), time));
        ollama.MapPost("/api/generate", OllamaFrontEnd.GenerateAsync);
        ollama.MapPost("/api/chat", (HttpContext context, LlmRouter router) => OllamaFrontEnd.ChatAsync(context, router, includePeers: true));
        return endpoints;
    }
}
