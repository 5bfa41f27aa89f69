using System.Text.Json.Serialization;
using MeshMind.Knowledge.Answers;

namespace MeshMind.Conversations;

/// <summary>The node that answered an exchange (seed: hostname, LAN IP, LLM availability).</summary>
internal sealed record ExchangeHost(string NodeId, string Name, string Ip, bool HasLlm);

/// <summary>One question and its answer, with who answered and how fast. Shared with peers as is.</summary>
/// <remarks>
/// <see cref="ParentId"/> is the exchange this one follows (null for a conversation's first question): a conversation is a
/// tree, and editing a question or regenerating an answer adds a sibling rather than rewriting history. Peers on older
/// versions send no parent; their exchanges read as one line in time order.
/// <see cref="Sources"/> are the excerpts of the mesh's files the answer was given (a chat with <c>knowledge</c>), numbered as
/// it cites them; null otherwise, and from peers on older versions. Their <c>download_url</c> is this node's address of the
/// file: a peer's history has it made anew from <c>node_id</c> and <c>file</c> when it arrives.
/// </remarks>
internal sealed record Exchange(
    string Id,
    string ConversationId,
    string Question,
    string Answer,
    string Model,
    ExchangeHost Host,
    double LatencyMs,
    double? TtftMs,
    int PromptTokens,
    int CompletionTokens,
    DateTimeOffset CreatedAt,
    string? Error,
    string? ParentId = null,
    IReadOnlyList<KnowledgeSource>? Sources = null);

/// <summary>One conversation in a list; with a search (<c>?q=</c>), <c>snippet</c> is the text around the first match in its questions and answers.</summary>
internal sealed record ConversationSummary(string Id, string Title, DateTimeOffset UpdatedAt, int ExchangeCount, string? Snippet = null);

/// <summary>How a conversation's answers are generated; a null field is left to the host.</summary>
internal sealed record ConversationSettings(string? SystemPrompt, double? Temperature, int? MaxTokens)
{
    public static readonly ConversationSettings None = new(null, null, null);
}

internal sealed record ConversationDetail(string Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<Exchange> Exchanges,
    ConversationSettings Settings);

/// <summary>A conversation's own fields, without its exchanges.</summary>
internal sealed record ConversationHeader(string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, ConversationSettings Settings);

/// <summary>A conversation made by <c>POST /api/peers/{node_id}/conversations/{id}/copy</c>.</summary>
internal sealed record ConversationCopy(string Id, string Title, int ExchangeCount);

internal sealed record ConversationList(IReadOnlyList<ConversationSummary> Conversations);

/// <summary>A node's history: this node's (<c>/api/local</c>) or one received from a peer.</summary>
internal sealed record NodeHistory(string NodeId, string Name, DateTimeOffset? UpdatedAt, IReadOnlyList<Exchange> Exchanges);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Exchange))]
[JsonSerializable(typeof(List<Exchange>))]
[JsonSerializable(typeof(IReadOnlyList<KnowledgeSource>))]
[JsonSerializable(typeof(ConversationList))]
[JsonSerializable(typeof(ConversationDetail))]
[JsonSerializable(typeof(NodeHistory))]
[JsonSerializable(typeof(ConversationCopy))]
[JsonSerializable(typeof(ConversationUpdate))]
[JsonSerializable(typeof(ConversationSummary))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
