using System.Text.Json.Serialization;
using MeshMind.Diagnostics.ReachBack;

namespace MeshMind.Diagnostics;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Finding[]))]
[JsonSerializable(typeof(ReachBackResponse))]
internal sealed partial class DiagnosticsJsonContext : JsonSerializerContext;
