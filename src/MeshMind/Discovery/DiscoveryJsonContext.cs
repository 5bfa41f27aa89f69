using System.Text.Json.Serialization;

namespace MeshMind.Discovery;

[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, MaxDepth = 4)]
[JsonSerializable(typeof(Announcement))]
internal sealed partial class DiscoveryJsonContext : JsonSerializerContext;
