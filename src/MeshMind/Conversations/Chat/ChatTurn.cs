using MeshMind.Knowledge.Answers;
using MeshMind.Llm;
using MeshMind.Llm.Routing;

namespace MeshMind.Conversations.Chat;

/// <summary>One <c>POST /api/chat</c> once its body has been checked: what to ask, where it goes in the conversation, and how.</summary>
/// <remarks>
/// <see cref="Continued"/> is the exchange whose stopped answer this turn continues, if it does; <see cref="ParentId"/> the exchange
/// a new one follows (null: the conversation's first question).
/// </remarks>
internal sealed record ChatTurn(
    string ConversationId,
    string Question,
    string? ParentId,
    Exchange? Continued,
    ConversationSettings Settings,
    LlmRequest Request,
    HostChoice? Choice,
    bool Stream,
    IReadOnlyList<KnowledgeSource>? Sources = null);
