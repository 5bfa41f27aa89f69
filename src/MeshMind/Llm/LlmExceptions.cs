namespace MeshMind.Llm;

/// <summary>No host could start an answer: nothing has been sent to the client yet, so it gets a plain HTTP error.</summary>
internal sealed class LlmUnavailableException(string message, int statusCode = StatusCodes.Status503ServiceUnavailable) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>An answer broke after it started (host died, stalled, or failed): end the response with the protocol's error form.</summary>
internal sealed class LlmStreamException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A short reason for a failed call to a host: its HTTP status, or what stopped the connection.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        HttpRequestException { InnerException: { } inner } => inner.Message,
        _ => exception.Message,
    };
}
