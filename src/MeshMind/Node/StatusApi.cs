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

    // is_llm_host and peer_count are filled in by the LLM and mesh features; until they exist they are false and 0.
    private static JsonHttpResult<StatusResponse> Status(NodeInfo node) =>
        TypedResults.Json(
            new StatusResponse(false, 0, node.NodeId, node.Name, NodeInfo.Version, (long)node.Uptime.TotalSeconds),
            ApiJsonContext.Default.StatusResponse);
}
