using System.Text.Json.Serialization;

namespace MeshMind.Infrastructure;

/// <summary>The body of every API error: one sentence a person can act on.</summary>
internal sealed record ErrorResponse(string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class InfrastructureJsonContext : JsonSerializerContext;
