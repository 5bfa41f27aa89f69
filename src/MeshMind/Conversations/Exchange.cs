using System.Text.Json.Serialization;

namespace MeshMind.Conversations;

/// <summary>The node that answered an exchange (seed: hostname, LAN IP, LLM availability).</summary>
internal sealed record ExchangeHost(string NodeId, string Name, string Ip, bool HasLlm);

/// <summary>One question and its answer, with who answered and how fast. Shared with peers as is.</summary>
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
    string? Error);

internal sealed record ConversationSummary(string Id, string Title, DateTimeOffset UpdatedAt, int ExchangeCount);

internal sealed record ConversationDetail(string Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<Exchange> Exchanges);

internal sealed record ConversationList(IReadOnlyList<ConversationSummary> Conversations);

/// <summary>A node's history: this node's (<c>/api/local</c>) or one received from a peer.</summary>
internal sealed record NodeHistory(string NodeId, string Name, DateTimeOffset? UpdatedAt, IReadOnlyList<Exchange> Exchanges);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Exchange))]
[JsonSerializable(typeof(List<Exchange>))]
[JsonSerializable(typeof(ConversationList))]
[JsonSerializable(typeof(ConversationDetail))]
[JsonSerializable(typeof(NodeHistory))]
internal sealed partial class ConversationJsonContext : JsonSerializerContext;
