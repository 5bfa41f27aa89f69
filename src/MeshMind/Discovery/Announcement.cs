using System.Text.Json.Serialization;

namespace MeshMind.Discovery;

/// <summary>The body of a discovery datagram: "I am here" (ONLINE) or "I am leaving" (OFFLINE). A hint, never trust.</summary>
internal sealed record Announcement(
    [property: JsonPropertyName("t")] string Type,
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("mesh_port")] int MeshPort,
    [property: JsonPropertyName("http_port")] int HttpPort,
    [property: JsonPropertyName("has_llm")] bool HasLlm,
    [property: JsonPropertyName("models_digest")] string ModelsDigest,
    [property: JsonPropertyName("ts")] long Timestamp)
{
    public const string Online = "ONLINE";
    public const string Offline = "OFFLINE";
    public const int CurrentVersion = 1;
}
