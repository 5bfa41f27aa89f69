using MeshMind.Diagnostics.Resources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Diagnostics;

/// <summary>
/// <c>GET /api/diagnostics</c>: the doctor's findings, problems first, as <c>[{"level", "code", "message", "fix"}]</c>.
/// <c>?refresh=true</c> runs the reach-back test again instead of using one from the last 30 s.
/// <c>GET /api/resources</c>: the CPU, memory, threads and network bytes of this node's process and of every linked peer's, as
/// each reports its own (<see cref="MeshResources"/>); peers that did not answer within 1.5 s are in <c>missing</c>.
/// </summary>
internal static class DiagnosticsApi
{
    public static IEndpointRouteBuilder MapDiagnostics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/diagnostics", ExamineAsync).Produces<Finding[]>();
        endpoints.MapGet("/api/resources", ReadResourcesAsync).Produces<MeshResources>();
        return endpoints;
    }

    private static async Task<JsonHttpResult<Finding[]>> ExamineAsync(Doctor doctor, bool? refresh, CancellationToken cancellationToken) =>
        TypedResults.Json([.. await doctor.ExamineAsync(refresh == true, cancellationToken)], DiagnosticsJsonContext.Default.FindingArray);

    private static async Task<JsonHttpResult<MeshResources>> ReadResourcesAsync(ResourceReader reader, CancellationToken cancellationToken) =>
        TypedResults.Json(await reader.ReadAsync(cancellationToken), DiagnosticsJsonContext.Default.MeshResources);
}
