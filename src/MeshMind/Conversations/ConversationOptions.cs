namespace MeshMind.Conversations;

/// <summary>Conversation memory (configuration section <c>Conversations</c>).</summary>
internal sealed class ConversationOptions
{
    public const string Section = "Conversations";

    /// <summary>Whether this node's history is shared with linked peers (<c>conversation_file</c>, <c>conversation_delta</c>).</summary>
    public bool Share { get; set; } = true;
}
