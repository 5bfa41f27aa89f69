using MeshMind.Diagnostics.Resources;
using MeshMind.Mesh.Transport;

namespace MeshMind.Diagnostics.ReachBack;

/// <summary>
/// The doctor's peer endpoints, for admitted peers: <c>POST /mesh/reach-back</c> dials the asking peer back and says whether it
/// got through (<see cref="ReachBackResponder"/>); <c>GET /mesh/resources</c> is this node's process figures (<see cref="ResourceMeter"/>).
/// </summary>
internal static class ReachBackEndpoints
{
    public static IEndpointRouteBuilder MapPeerDiagnostics(this IEndpointRouteBuilder peers)
    {
        peers.MapPost("/mesh/reach-back", async (HttpContext context, ReachBackResponder responder) =>
        {
            var remote = context.Features.Get<MeshConnectionFeature>()!.Remote;
            var answer = await responder.RunAsync(context.PeerNodeId(), remote, context.RequestAborted);
            return answer is null
                ? Results.StatusCode(StatusCodes.Status429TooManyRequests)
                : Results.Json(answer, DiagnosticsJsonContext.Default.ReachBackResponse);
        });
        peers.MapGet("/mesh/resources", (ResourceMeter meter) => Results.Json(meter.Read(), DiagnosticsJsonContext.Default.NodeResources));
        return peers;
    }
}
