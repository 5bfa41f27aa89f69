using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace MeshMind.Conversations.Chat;

/// <summary><c>POST /api/chat</c> (seed).</summary>
internal sealed class ChatApiRequest
{
    // [Required] marks it required in the API document; the handler answers a body without it with 400 itself.
    [Required]
    public string? Message { get; set; }

    public string? Filename { get; set; }

    public string? Model { get; set; }

    public string? ConversationId { get; set; }

    public bool Stream { get; set; }
}

internal sealed record ChatApiResponse(
    string Response,
    string Model,
    ExchangeHost Host,
    double LatencyMs,
    string ConversationId,
    string ExchangeId,
    double TtftMs,
    int PromptTokens,
    int CompletionTokens);

/// <summary>One line of a streamed <c>/api/chat</c>: start, token, done or error.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ChatStartEvent), "start")]
[JsonDerivedType(typeof(ChatTokenEvent), "token")]
[JsonDerivedType(typeof(ChatDoneEvent), "done")]
[JsonDerivedType(typeof(ChatErrorEvent), "error")]
internal abstract record ChatEvent;

internal sealed record ChatStartEvent(string ConversationId, string ExchangeId, string Model, ExchangeHost Host) : ChatEvent;

internal sealed record ChatTokenEvent(string Content) : ChatEvent;

internal sealed record ChatDoneEvent(string Response, double LatencyMs, double TtftMs, int PromptTokens, int EvalCount, double? TokensPerS) : ChatEvent;

internal sealed record ChatErrorEvent(string Error) : ChatEvent;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ChatApiRequest))]
[JsonSerializable(typeof(ChatApiResponse))]
[JsonSerializable(typeof(ChatEvent))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
