using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MeshMind.Discovery;

/// <summary><c>GET /api/discovery</c>: discovery traffic counters, drops by reason.</summary>
internal static class DiscoveryApi
{
    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/discovery", Stats).Produces<DiscoveryStatsResponse>();
        return endpoints;
    }

    private static JsonHttpResult<DiscoveryStatsResponse> Stats(DiscoveryStats stats, IOptions<DiscoveryOptions> options) =>
        TypedResults.Json(
            new DiscoveryStatsResponse(options.Value.Mode, options.Value.Port, stats.Sent, stats.Received, stats.BytesOut, stats.BytesIn, stats.DroppedByReason()),
            DiscoveryApiJsonContext.Default.DiscoveryStatsResponse);
}
