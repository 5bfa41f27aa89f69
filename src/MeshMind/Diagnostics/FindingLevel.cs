using System.Text.Json.Serialization;

namespace MeshMind.Diagnostics;

/// <summary>How much a finding matters: <c>error</c> (this stops peers from linking or chats from working), <c>warning</c>, <c>info</c>, <c>ok</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingLevel>))]
internal enum FindingLevel
{
    [JsonStringEnumMemberName("error")]
    Error,

    [JsonStringEnumMemberName("warning")]
    Warning,

    [JsonStringEnumMemberName("info")]
    Info,

    [JsonStringEnumMemberName("ok")]
    Ok,
}
