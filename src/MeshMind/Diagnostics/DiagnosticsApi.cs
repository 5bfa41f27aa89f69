using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Diagnostics;

/// <summary>
/// <c>GET /api/diagnostics</c>: the doctor's findings, problems first, as <c>[{"level", "code", "message", "fix"}]</c>.
/// <c>?refresh=true</c> runs the reach-back test again instead of using one from the last 30 s.
/// </summary>
internal static class DiagnosticsApi
{
    public static IEndpointRouteBuilder MapDiagnostics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/diagnostics", ExamineAsync).Produces<Finding[]>();
        return endpoints;
    }

    private static async Task<JsonHttpResult<Finding[]>> ExamineAsync(Doctor doctor, bool? refresh, CancellationToken cancellationToken) =>
        TypedResults.Json([.. await doctor.ExamineAsync(refresh == true, cancellationToken)], DiagnosticsJsonContext.Default.FindingArray);
}
