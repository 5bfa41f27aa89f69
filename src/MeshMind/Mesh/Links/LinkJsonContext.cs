using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Links;

/// <summary>The link layer's own messages; features bring their own contexts for theirs.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 16)]
[JsonSerializable(typeof(LinkMessage))]
[JsonSerializable(typeof(HelloMessage))]
[JsonSerializable(typeof(PingMessage))]
[JsonSerializable(typeof(PongMessage))]
[JsonSerializable(typeof(PeerExchangeMessage))]
[JsonSerializable(typeof(PeerChangesMessage))]
internal sealed partial class LinkJsonContext : JsonSerializerContext;
