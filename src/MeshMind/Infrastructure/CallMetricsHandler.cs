
namespace MeshMind.Infrastructure;

/// <summary>
/// Measures the calls made through an HTTP client (to peers, <c>peer</c>, or to the LLM backend, <c>llm</c>): latency until
/// the response body was read to its end (or dropped), errors (no response, or 5xx), and bytes each way. With a
/// <c>channel</c>, the calls' bytes also count as that traffic channel (<see cref="TrafficMetrics"/>).
/// </summary>
internal sealed class CallMetricsHandler(string target, OutboundCallMetrics metrics, TimeProvider time, HttpMessageHandler inner, string? channel = null)
    : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var route = $"{request.Method.Method} {Normalize(request.RequestUri?.AbsolutePath ?? "/")}";
        var sent = request.Content?.Headers.ContentLength ?? 0;
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception)
        {
            metrics.Record(target, route, time.GetElapsedTime(started).TotalMilliseconds, error: true, 0, sent, channel);
            throw;
        }

        var error = (int)response.StatusCode >= 500;
        response.Content = new CountedContent(response.Content, received =>
            metrics.Record(target, route, time.GetElapsedTime(started).TotalMilliseconds, error, received, sent, channel));
        return response;
    }

    /// <summary>Route-like keys: content hashes and ids become placeholders, so keys stay few.</summary>
    internal static string Normalize(string path) =>
        path.StartsWith("/mesh/files/", StringComparison.Ordinal) ? "/mesh/files/{sha256}" : path;

    /// <summary>The original content; reports the bytes read once, when the body ends or the response is disposed.</summary>
    private sealed class CountedContent(HttpContent inner, Action<long> done) : ForwardingContent(inner)
    {
        private long _received;
        private int _reported;

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new CountingReadStream(await Inner.ReadAsStreamAsync(cancellationToken), this);

        private void Received(int bytes) => Interlocked.Add(ref _received, bytes);

        private void Report()
        {
            if (Interlocked.Exchange(ref _reported, 1) == 0)
            {
                done(Interlocked.Read(ref _received));
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Report();
            }

            base.Dispose(disposing);
        }

        private sealed class CountingReadStream(Stream inner, CountedContent owner) : Stream
        {
            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count), count);

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken), count);

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                Counted(await inner.ReadAsync(buffer, cancellationToken), buffer.Length);

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    owner.Report();
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }

            public override async ValueTask DisposeAsync()
            {
                owner.Report();
                await inner.DisposeAsync();
                await base.DisposeAsync();
            }

            /// <summary>Counts a read; a read of nothing into a non-empty buffer is the end of the body.</summary>
            private int Counted(int read, int asked)
            {
                owner.Received(read);
                if (read == 0 && asked > 0)
                {
                    owner.Report();
                }

                return read;
            }
        }
    }
}
