
namespace MeshMind.Llm;

/// <summary>
/// Makes an answer's cancellation reach the response body too. Once headers are in, HttpClient stops watching the
/// request's token (its linked source is disposed), and any read of the body made without the answer's token (a
/// library's line reader, a copy) would wait on a stalled host forever. The router sets <see cref="AnswerToken"/> around the call that sends the
/// request; cancelling it disposes the response, so a pending read fails at once and the connection closes at the host.
/// </summary>
public sealed class AbortOnCancelHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>The token that ends the answer being requested in this async flow (first token deadline, stall, client gone).</summary>
    public static AsyncLocal<CancellationToken> AnswerToken { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var token = AnswerToken.Value;
        if (token.CanBeCanceled)
        {
            var registration = token.Register(static state => ((HttpResponseMessage)state!).Dispose(), response);
            response.Content = new OwnedContent(response.Content, registration);
        }

        return response;
    }

    /// <summary>The original content, releasing the cancellation registration when the response is disposed normally.</summary>
    private sealed class OwnedContent(HttpContent inner, CancellationTokenRegistration registration) : Infrastructure.ForwardingContent(inner)
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                registration.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
