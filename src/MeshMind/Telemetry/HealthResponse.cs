using System.Text.Json.Serialization;

namespace MeshMind.Telemetry;

/// <summary><c>GET /healthz</c>: the process answers (liveness); <c>/readyz</c> says whether it can serve.</summary>
internal sealed record HealthResponse(string Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class TelemetryJsonContext : JsonSerializerContext;
