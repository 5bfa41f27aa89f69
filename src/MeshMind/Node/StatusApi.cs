using MeshMind.Mesh;
using MeshMind.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Node;

/// <summary><c>GET /api/status</c> (seed §8, extended) and the unauthenticated liveness probe <c>GET /healthz</c>.</summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/status", Status);
        endpoints.MapGet("/healthz", () => TypedResults.Json(new HealthResponse("ok"), ApiJsonContext.Default.HealthResponse)).AllowAnonymous();
        return endpoints;
    }

    // is_llm_host: this node's own Ollama answers and lists a model; peer_count counts peers with a live link.
    private static JsonHttpResult<StatusResponse> Status(NodeInfo node, PeerDirectory peers, DuplicateIdentity duplicates, Llm.LocalLlm llm) =>
        TypedResults.Json(
            new StatusResponse(llm.Capability.HasLlm, peers.LinkedCount, node.NodeId, node.Name, NodeInfo.Version, (long)node.Uptime.TotalSeconds, duplicates.Detected),
            ApiJsonContext.Default.StatusResponse);
}
