using MeshMind.Mesh.Transport;

namespace MeshMind.Diagnostics.ReachBack;

/// <summary><c>POST /mesh/reach-back</c> on the mesh port, for admitted peers: dial the asking peer back and say whether it got through (<see cref="ReachBackResponder"/>).</summary>
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
        return peers;
    }
}
