using System.IO.Pipelines;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Transport;
using Microsoft.AspNetCore.Http.Features;

namespace MeshMind.Analytics;

/// <summary>
/// Per route (seed §5.1): counts every request on both ports with its latency, status class and bytes in and out.
/// First in the pipeline, so static UI files, refused requests and the mesh port are measured too.
/// </summary>
internal sealed class PerfMiddleware(RequestDelegate next, AnalyticsRecorder recorder, TrafficMetrics traffic, TimeProvider time)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(RouteEndpoint Endpoint, string Method), string> s_labels = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var counted = new CountingResponseBody(original);
        context.Features.Set<IHttpResponseBodyFeature>(counted);
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            context.Features.Set(original);
            var bytesIn = context.Request.ContentLength ?? 0;
            recorder.Http(RouteOf(context), time.GetElapsedTime(started).TotalMilliseconds, status, bytesIn, counted.Bytes);
            if (context.Features.Get<MeshConnectionFeature>() is not null)
            {
                traffic.Add("proxy", bytesIn, counted.Bytes);
            }
        }
    }

    /// <summary>"GET /api/files/{filename}": the route template, never the raw path, so keys stay few and hold no names.</summary>
    internal static string RouteOf(HttpContext context)
    {
        var method = context.Request.Method;
        var mesh = context.Features.Get<MeshConnectionFeature>() is not null;
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: not null } endpoint)
        {
            // One string per endpoint and method, built once; the mesh port's endpoints have a routing world of their own.
            return s_labels.GetOrAdd((endpoint, method), static (key, mesh) =>
                $"{(mesh ? "MESH " : "")}{key.Method} {(key.Endpoint.RoutePattern.RawText!.StartsWith('/') ? "" : "/")}{key.Endpoint.RoutePattern.RawText}", mesh);
        }

        if (mesh)
        {
            return $"MESH {method} (no route)";
        }

        var path = context.Request.Path.Value ?? "/";
        return path == "/" || path.StartsWith("/app", StringComparison.Ordinal) ? $"{method} /app/* (web UI)" : $"{method} (no route)";
    }

    /// <summary>Passes the response through and counts its bytes, whichever way the endpoint writes (stream, pipe, file).</summary>
    private sealed class CountingResponseBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
    {
        private long _bytes;
        private CountingStream? _stream;
        private CountingPipeWriter? _writer;

        public long Bytes => Interlocked.Read(ref _bytes);

        public Stream Stream => _stream ??= new CountingStream(inner.Stream, this);

        public PipeWriter Writer => _writer ??= new CountingPipeWriter(inner.Writer, this);

        public void Count(long bytes) => Interlocked.Add(ref _bytes, bytes);

        public void DisableBuffering() => inner.DisableBuffering();

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        {
            Count(count ?? Math.Max(0, new FileInfo(path).Length - offset));
            return inner.SendFileAsync(path, offset, count, cancellationToken);
        }

        public Task CompleteAsync() => inner.CompleteAsync();
    }

    private sealed class CountingPipeWriter(PipeWriter inner, CountingResponseBody owner) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            owner.Count(bytes);
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            owner.Count(source.Length);
            return inner.WriteAsync(source, cancellationToken);
        }
    }

    private sealed class CountingStream(Stream inner, CountingResponseBody owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            owner.Count(count);
            inner.Write(buffer, offset, count);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner.Count(buffer.Length);
            return inner.WriteAsync(buffer, cancellationToken);
        }
    }
}
