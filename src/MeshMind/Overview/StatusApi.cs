using MeshMind.Llm.Local;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Overview;

/// <summary><c>GET /api/status</c> (seed §8, extended): who this node is, whether it hosts an LLM, how many peers it is linked to.</summary>
internal static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/status", Status).Produces<StatusResponse>();
        return endpoints;
    }

    // is_llm_host: this node's own Ollama answers and lists a model; peer_count counts peers with a live link.
    private static JsonHttpResult<StatusResponse> Status(NodeInfo node, PeerDirectory peers, DuplicateIdentity duplicates, LocalLlm llm) =>
        TypedResults.Json(
            new StatusResponse(llm.Capability.HasLlm, peers.LinkedCount, node.NodeId, node.Name, NodeInfo.Version, (long)node.Uptime.TotalSeconds, duplicates.Detected),
            OverviewJsonContext.Default.StatusResponse);
}
