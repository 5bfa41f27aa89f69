using System.Text.Json.Serialization;
using MeshMind.Mesh.Peers;

namespace MeshMind.Mesh;

/// <summary>
/// One static peer as <c>/api/static-peers</c> shows it: its address, whether it is set in the configuration (and so cannot be
/// removed here), the node found there once one answered, its link, and why the last dial failed.
/// </summary>
internal sealed record StaticPeerResponse(string Address, bool Configured, string? NodeId, string? Name, LinkState LinkState, string? LastError);

/// <summary>Body of <c>POST /api/static-peers</c>: <c>{"address": "HOST:PORT"}</c>.</summary>
internal sealed record AddStaticPeerRequest(string? Address);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StaticPeerResponse))]
[JsonSerializable(typeof(StaticPeerResponse[]))]
[JsonSerializable(typeof(AddStaticPeerRequest))]
internal sealed partial class MeshApiJsonContext : JsonSerializerContext;
