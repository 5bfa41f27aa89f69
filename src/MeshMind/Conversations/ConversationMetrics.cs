using System.Diagnostics.Metrics;

namespace MeshMind.Conversations;

/// <summary>Conversation turns asked on this node (meter <c>MeshMind.Conversations</c>): <c>meshmind.conversations.turns</c> {conversation.id}.</summary>
/// <remarks>The conversation id makes this a listener's instrument (analytics counts active conversations), not one to export.</remarks>
internal sealed class ConversationMetrics
{
    public const string MeterName = "MeshMind.Conversations";
    private readonly Counter<long> _turns;

    public ConversationMetrics(IMeterFactory meters) =>
        _turns = meters.Create(MeterName).CreateCounter<long>("meshmind.conversations.turns", "{turn}", "Questions asked in a conversation on this node");

    public void Turn(string conversationId) => _turns.Add(1, new KeyValuePair<string, object?>("conversation.id", conversationId));
}
