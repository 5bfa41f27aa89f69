using MeshMind.Llm.Models;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm.Peers;

/// <summary>
/// The Ollama contract on the mesh port, for admitted peers (DESIGN §5): <c>/api/version</c>, <c>/api/tags</c>,
/// <c>/api/ps</c>, <c>POST /api/chat</c>, <c>POST /api/generate</c> and <c>POST /api/embed</c>, and model management (<see cref="PeerModelEndpoints"/>). Served by this node's LLM only: a request that came from a peer is never
/// delegated again, so two nodes without an LLM cannot bounce a chat between them.
/// </summary>
internal static class PeerLlmEndpoints
{
    public static IEndpointRouteBuilder MapPeerLlm(this IEndpointRouteBuilder peers)
    {
        peers.MapGet("/api/version", OllamaFrontEnd.Version);
        peers.MapGet("/api/tags", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Tags(ModelInventory.Of(hosts.Candidates(includePeers: false)), time));
        peers.MapGet("/api/ps", (LlmHosts hosts, TimeProvider time) => OllamaFrontEnd.Ps(ModelInventory.Of(hosts.Candidates(includePeers: false)), time));
        peers.MapPost("/api/chat", (HttpContext context, LlmRouter router) => OllamaFrontEnd.ChatAsync(context, router, includePeers: false));
        peers.MapPost("/api/generate", (HttpContext context, LlmRouter router) => OllamaFrontEnd.GenerateAsync(context, router, includePeers: false));
        peers.MapPost("/api/embed", (HttpContext context, LlmRouter router) => OllamaEmbed.EmbedAsync(context, router, includePeers: false));
        peers.MapPeerModels();
        return peers;
    }
}
