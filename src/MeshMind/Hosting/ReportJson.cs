using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MeshMind.Hosting;

/// <summary>Reflection-based JSON for the one-off configuration report (not a hot path; the API uses source generation).</summary>
internal static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };
}
