namespace MeshMind.Infrastructure;

/// <summary>
/// An <see cref="HttpContent"/> that passes another one's headers and bytes through, so a message handler can add what
/// happens around reading and disposing a response body (tie it to a cancellation, count its bytes) without copying it.
/// Disposing it disposes the original.
/// </summary>
internal abstract class ForwardingContent : HttpContent
{
    protected ForwardingContent(HttpContent inner)
    {
        Inner = inner;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected HttpContent Inner { get; }

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Inner.ReadAsStreamAsync(cancellationToken);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken);
        await source.CopyToAsync(stream, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
