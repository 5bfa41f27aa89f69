using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Links;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 16)]
[JsonSerializable(typeof(LinkMessage))]
internal sealed partial class LinkJsonContext : JsonSerializerContext;
