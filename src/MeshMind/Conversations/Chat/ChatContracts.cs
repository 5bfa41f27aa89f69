using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using MeshMind.Knowledge.Answers;

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

    /// <summary>
    /// The exchange this question follows (its answer and the branch before it are the context). Left out: the conversation's
    /// newest exchange. <c>""</c>: none, the question starts the conversation afresh (an edited first question). Asking with the
    /// parent of an earlier exchange forks the conversation there: editing a question or regenerating an answer adds a sibling.
    /// </summary>
    public string? ParentId { get; set; }

    /// <summary>Continue this exchange's answer (one that stopped) where it ended, instead of asking <c>message</c>; needs <c>conversation_id</c>.</summary>
    public string? ContinueExchangeId { get; set; }

    /// <summary>Answer on this node (its node id) and no other.</summary>
    public string? Host { get; set; }

    /// <summary>Answer on any node but this one (its node id): "retry on another host".</summary>
    public string? AvoidHost { get; set; }

    /// <summary>Sets the conversation's system prompt (null: MeshMind's own), kept for its next questions.</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>Sets the conversation's temperature (0 to 2; null: the host's default), kept for its next questions.</summary>
    public double? Temperature { get; set; }

    /// <summary>
    /// Use mesh files (issue 19): the chunks of every node's shared files that best match the question are given to the model as
    /// numbered excerpts (at most half of <c>Llm:ContextCharacters</c>), and the answer's final event lists them as <c>sources</c>.
    /// </summary>
    public bool Knowledge { get; set; }

    /// <summary>Sets the conversation's most tokens per answer (1 to 32,768; null: the host's default), kept for its next questions.</summary>
    public int? MaxTokens { get; set; }
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
    int CompletionTokens)
{
    /// <summary>With <c>"knowledge": true</c>, the excerpts the model was given, numbered as it cites them; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<KnowledgeSource>? Sources { get; init; }
}

/// <summary>One line of a streamed <c>/api/chat</c>: queued (while every host is busy), start, token, done or error.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ChatQueuedEvent), "queued")]
[JsonDerivedType(typeof(ChatStartEvent), "start")]
[JsonDerivedType(typeof(ChatTokenEvent), "token")]
[JsonDerivedType(typeof(ChatDoneEvent), "done")]
[JsonDerivedType(typeof(ChatErrorEvent), "error")]
internal abstract record ChatEvent;

/// <summary>Every host that serves the model is busy: the chat waits on this node, <paramref name="Position"/> in line (1 = next).</summary>
internal sealed record ChatQueuedEvent(int Position) : ChatEvent;

internal sealed record ChatStartEvent(string ConversationId, string ExchangeId, string Model, ExchangeHost Host) : ChatEvent;

internal sealed record ChatTokenEvent(string Content) : ChatEvent;

internal sealed record ChatDoneEvent(string Response, double LatencyMs, double TtftMs, int PromptTokens, int EvalCount, double? TokensPerS) : ChatEvent
{
    /// <summary>With <c>"knowledge": true</c>, the excerpts the model was given, numbered as it cites them; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<KnowledgeSource>? Sources { get; init; }
}

/// <summary>The answer broke after it started; what came so far is saved with the exchange.</summary>
/// <param name="Error">One sentence for people: "stopped: gpu-box went away after 214 tokens".</param>
/// <param name="Reason">
/// <c>host_lost</c>, <c>host_stalled</c>, <c>host_error</c>, <c>ended_early</c> (see <see cref="MeshMind.Llm.LlmStreamException"/>), or
/// <c>stopped</c> (the client went away).
/// </param>
/// <param name="HostName">The host that was answering.</param>
/// <param name="TokensReceived">Pieces of the answer that came before it broke.</param>
internal sealed record ChatErrorEvent(string Error, string Reason, string? HostName, int TokensReceived) : ChatEvent;

/// <summary>
/// A chat that could not start: <c>reason</c> is <c>no_llm</c>, <c>unknown_model</c>, <c>all_failed</c>, <c>host_unavailable</c>,
/// <c>no_other_host</c> (see <see cref="MeshMind.Llm.LlmUnavailableException"/>), <c>no_conversation</c>, <c>no_exchange</c>,
/// <c>no_file</c>, or <c>invalid</c> (a 400 or 413 for the body); a request that broke after it started and was not streamed gets
/// the reasons of <see cref="ChatErrorEvent"/>.
/// </summary>
internal sealed record ChatFailure(string Error, string Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ChatApiRequest))]
[JsonSerializable(typeof(ChatApiResponse))]
[JsonSerializable(typeof(ChatEvent))]
[JsonSerializable(typeof(ChatFailure))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
