using MeshMind.Infrastructure;
using MeshMind.Llm.Models;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm.Ollama;

/// <summary>
/// Ollama-compatible API for the whole mesh under <c>/ollama</c> on the people-facing port (session or API key), so
/// Open WebUI or any Ollama client uses every node's models with base URL <c>http://node:8080/ollama</c>.
/// </summary>
internal static class OllamaApi
{
    private const string Ndjson = "application/x-ndjson";

    public static IEndpointRouteBuilder MapOllamaApi(this IEndpointRouteBuilder endpoints)
    {
        // Also at the root (POST /api/chat there takes both the seed's and Ollama's body): base URL http://node:8080 works too.
        endpoints.MapGet("/api/version", OllamaFrontEnd.Version).Produces<OllamaVersion>();
        endpoints.MapGet("/api/tags", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Tags(ModelInventory.Of(hosts.Candidates()), time)).Produces<OllamaModelList>();
        endpoints.MapGet("/api/ps", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Ps(ModelInventory.Of(hosts.Candidates()), time)).Produces<OllamaModelList>();
        endpoints.MapPost("/api/show", ModelShow.ShowAsync).DescribeShow();
        endpoints.MapPost("/api/generate", OllamaFrontEnd.GenerateInMeshAsync).DescribeAnswer<OllamaGenerateRequest, OllamaGenerateLine>();
        endpoints.MapPost("/api/embed", (HttpContext context, LlmRouter router) => OllamaEmbed.EmbedAsync(context, router, includePeers: true)).DescribeEmbed();

        var ollama = endpoints.MapGroup("/ollama");
        ollama.MapGet("/", () => TypedResults.Text("Ollama is running")).Produces<string>(StatusCodes.Status200OK, "text/plain");
        ollama.MapGet("/api/version", OllamaFrontEnd.Version).Produces<OllamaVersion>();
        ollama.MapGet("/api/tags", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Tags(ModelInventory.Of(hosts.Candidates()), time)).Produces<OllamaModelList>();
        ollama.MapGet("/api/ps", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Ps(ModelInventory.Of(hosts.Candidates()), time)).Produces<OllamaModelList>();
        ollama.MapPost("/api/show", ModelShow.ShowAsync).DescribeShow();
        ollama.MapPost("/api/generate", OllamaFrontEnd.GenerateInMeshAsync).DescribeAnswer<OllamaGenerateRequest, OllamaGenerateLine>();
        ollama.MapPost("/api/embed", (HttpContext context, LlmRouter router) => OllamaEmbed.EmbedAsync(context, router, includePeers: true)).DescribeEmbed();
        ollama.MapPost("/api/chat", (HttpContext context, LlmRouter router) => OllamaFrontEnd.ChatAsync(context, router, includePeers: true))
            .DescribeAnswer<OllamaChatRequest, OllamaChatLine>();
        return endpoints;
    }

    /// <summary>
    /// For the API document: an Ollama request, answered as NDJSON lines (or, with <c>"stream": false</c>, one object) of
    /// <typeparamref name="TLine"/>; router errors in Ollama's <c>{"error"}</c> form.
    /// </summary>
    private static RouteHandlerBuilder DescribeAnswer<TRequest, TLine>(this RouteHandlerBuilder endpoint) =>
        endpoint.AcceptsJson<TRequest>()
            .Produces<TLine>(StatusCodes.Status200OK, "application/json", Ndjson)
            .ProducesErrors(400, 413, 415)
            .ProducesErrors<OllamaError>(404, 503);

    /// <summary>For the API document: Ollama's show request, answered by a node that has the model (its Ollama's own answer).</summary>
    private static RouteHandlerBuilder DescribeShow(this RouteHandlerBuilder endpoint) =>
        endpoint.AcceptsJson<ShowBody>()
            .Produces<OllamaShowResponse>()
            .ProducesErrors(413, 415)
            .ProducesErrors<OllamaError>(400, 404, 503);

    /// <summary>For the API document: an Ollama embed request, answered with one vector per input; errors in Ollama's form.</summary>
    private static RouteHandlerBuilder DescribeEmbed(this RouteHandlerBuilder endpoint) =>
        endpoint.AcceptsJson<OllamaEmbedRequest>()
            .Produces<OllamaEmbedResponse>()
            .ProducesErrors(413, 415)
            .ProducesErrors<OllamaError>(400, 404, 503);
}
