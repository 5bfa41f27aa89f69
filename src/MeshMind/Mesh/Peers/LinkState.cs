using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Peers;

/// <summary>The state of the control link to a peer, as the API reports it (<c>"down"</c>, <c>"connecting"</c>, <c>"up"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LinkState>))]
internal enum LinkState
{
    [JsonStringEnumMemberName("down")]
    Down,

    [JsonStringEnumMemberName("connecting")]
    Connecting,

    [JsonStringEnumMemberName("up")]
    Up,
}
