namespace MeshMind.Llm;

/// <summary>No host could start an answer: nothing has been sent to the client yet, so it gets a plain HTTP error.</summary>
internal sealed class LlmUnavailableException(string message, int statusCode = StatusCodes.Status503ServiceUnavailable,
    string reason = LlmUnavailableException.AllFailed) : Exception(message)
{
    /// <summary>No node of the mesh (or this node, for a peer's request) has an LLM with a model.</summary>
    public const string NoLlm = "no_llm";

    /// <summary>LLMs are reachable, but none serves the model asked for.</summary>
    public const string UnknownModel = "unknown_model";

    /// <summary>Every host with the model failed before its first token.</summary>
    public const string AllFailed = "all_failed";

    /// <summary>The host the request was pinned to does not serve the model now.</summary>
    public const string HostUnavailable = "host_unavailable";

    /// <summary>The request asked for any host but one, and no other serves the model.</summary>
    public const string NoOtherHost = "no_other_host";

    /// <summary>Every host was full and the chat waited here longer than <c>Llm:QueueTimeout</c>, or the queue was full.</summary>
    public const string Busy = "busy";

    public int StatusCode { get; } = statusCode;

    /// <summary>Why, as a code a client can act on (one of the constants of this class).</summary>
    public string Reason { get; } = reason;
}

/// <summary>An answer broke after it started (host died, stalled, or failed): end the response with the protocol's error form.</summary>
internal sealed class LlmStreamException(string message, Exception? inner = null, string reason = LlmStreamException.HostError) : Exception(message, inner)
{
    /// <summary>The connection to the host broke (the host or the way to it went away).</summary>
    public const string HostLost = "host_lost";

    /// <summary>The host sent nothing for the stall timeout.</summary>
    public const string HostStalled = "host_stalled";

    /// <summary>The host reported an error, or sent something that is not its protocol.</summary>
    public const string HostError = "host_error";

    /// <summary>The host ended the answer without its final piece.</summary>
    public const string EndedEarly = "ended_early";

    /// <summary>Why the answer broke, as a code (one of the constants of this class).</summary>
    public string Reason { get; } = reason;

    /// <summary>A short reason for a failed call to a host: its HTTP status, or what stopped the connection.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        HttpRequestException { InnerException: { } inner } => inner.Message,
        _ => exception.Message,
    };
}
