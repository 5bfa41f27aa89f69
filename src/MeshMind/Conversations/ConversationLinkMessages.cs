using System.Text.Json.Serialization;
using MeshMind.Mesh.Links;

namespace MeshMind.Conversations;

/// <summary>A node's whole shareable history (seed <c>ConversationFile</c>), sent when a link comes up.</summary>
internal sealed record ConversationFileMessage(string Name, string Content) : LinkMessage;

/// <summary>Exchanges saved since the last file or delta.</summary>
internal sealed record ConversationDeltaMessage(IReadOnlyList<Exchange> Messages) : LinkMessage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = 16)]
[JsonSerializable(typeof(ConversationFileMessage))]
[JsonSerializable(typeof(ConversationDeltaMessage))]
internal sealed partial class ConversationLinkJsonContext : JsonSerializerContext
{
    public static LinkMessageType[] MessageTypes =>
    [
        LinkMessageType.Of<ConversationFileMessage>("conversation_file", Default),
        LinkMessageType.Of<ConversationDeltaMessage>("conversation_delta", Default),
    ];
}
