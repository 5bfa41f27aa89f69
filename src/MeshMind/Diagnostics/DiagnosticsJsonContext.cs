using System.Text.Json.Serialization;
using MeshMind.Diagnostics.ReachBack;
using MeshMind.Diagnostics.Resources;

namespace MeshMind.Diagnostics;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Finding[]))]
[JsonSerializable(typeof(ReachBackResponse))]
[JsonSerializable(typeof(NodeResources))]
[JsonSerializable(typeof(MeshResources))]
internal sealed partial class DiagnosticsJsonContext : JsonSerializerContext;
