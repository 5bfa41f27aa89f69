using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace MeshMind.Bench.Analytics;

/// <summary>A node to load: its address, the session cookie, and its process (for CPU time).</summary>
internal sealed record LoadTarget(string Name, Uri BaseAddress, string Cookie, int ProcessId);

/// <summary>One run: requests/s, and user + system CPU of the node and of this process, per request.</summary>
internal readonly record struct LoadResult(double RequestsPerSecond, double NodeCpuMsPerRequest, double NodeCores, double BenchCpuMsPerRequest);

/// <summary>
/// A closed loop of <c>GET /api/status</c>: each of N keep-alive HTTP/1.1 connections sends the next request as soon as the
/// previous response has been read. Raw sockets and a minimal response parser (status line, Content-Length or chunked
/// body) rather than <c>HttpClient</c>, so the client takes as little as possible of the two cores from the node.
/// </summary>
internal static class StatusLoad
{
    /// <summary>USER_HZ: the unit of <c>utime</c> and <c>stime</c> in <c>/proc/PID/stat</c>.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Loads for <paramref name="leadIn"/> unmeasured, then counts requests and CPU over <paramref name="measured"/>.</summary>
    public static async Task<LoadResult> RunAsync(LoadTarget target, int concurrency, TimeSpan leadIn, TimeSpan measured, CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes(
            $"GET /api/status HTTP/1.1\r\nHost: {target.BaseAddress.Authority}\r\nCookie: {target.Cookie}\r\nAccept: application/json\r\n\r\n");
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < concurrency; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets.Add(socket);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, target.BaseAddress.Port), cancellationToken);
            }

            var completed = new StrongBox<long>();
            using var stop = new CancellationTokenSource();
            var loops = sockets.Select(s => Task.Run(() => LoopAsync(s, request, completed, stop.Token), cancellationToken)).ToArray();
            try
            {
                await Task.Delay(leadIn, cancellationToken);
                var clock = Stopwatch.StartNew();
                var count0 = Interlocked.Read(ref completed.Value);
                var node0 = CpuTicks(target.ProcessId);
                var self0 = CpuTicks(Environment.ProcessId);
                await Task.Delay(measured, cancellationToken);
                var count1 = Interlocked.Read(ref completed.Value);
                var node1 = CpuTicks(target.ProcessId);
                var self1 = CpuTicks(Environment.ProcessId);
                var seconds = clock.Elapsed.TotalSeconds;
                var requests = count1 - count0;
                var nodeMs = (node1 - node0) / TicksPerSecond * 1000;
                var selfMs = (self1 - self0) / TicksPerSecond * 1000;
                return new LoadResult(requests / seconds, nodeMs / requests, nodeMs / 1000 / seconds, selfMs / requests);
            }
            finally
            {
                // Each loop finishes the request it has in flight, then stops; a failed loop throws here.
                await stop.CancelAsync();
                await Task.WhenAll(loops);
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task LoopAsync(Socket socket, byte[] request, StrongBox<long> completed, CancellationToken stop)
    {
        var reader = new ResponseReader(socket);
        while (!stop.IsCancellationRequested)
        {
            var sent = 0;
            while (sent < request.Length)
            {
                sent += await socket.SendAsync(request.AsMemory(sent), SocketFlags.None, CancellationToken.None);
            }

            await reader.ReadResponseAsync();
            Interlocked.Increment(ref completed.Value);
        }
    }

    /// <summary>utime + stime of a process, in ticks (fields 14 and 15 of <c>/proc/PID/stat</c>).</summary>
    private static long CpuTicks(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Reads one HTTP/1.1 response at a time from a keep-alive connection; only 200 is accepted.</summary>
    private sealed class ResponseReader(Socket socket)
    {
        private static readonly byte[] s_lineEnd = "\r\n"u8.ToArray();
        private static readonly byte[] s_headerEnd = "\r\n\r\n"u8.ToArray();
        private byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public async ValueTask ReadResponseAsync()
        {
            var headerLength = await FindAsync(s_headerEnd) + s_headerEnd.Length;
            var headers = Encoding.ASCII.GetString(_buffer, _start, headerLength);
            if (!headers.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"unexpected response:\n{headers}");
            }

            _start += headerLength;
            long? contentLength = null;
            var chunked = false;
            foreach (var line in headers.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    contentLength = long.Parse(line.AsSpan("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && line.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    chunked = true;
                }
            }

            if (contentLength is { } length)
            {
                await SkipAsync((int)length);
            }
            else if (chunked)
            {
                while (true)
                {
                    var lineLength = await FindAsync(s_lineEnd);
                    var sizeText = Encoding.ASCII.GetString(_buffer, _start, lineLength).Split(';')[0].Trim();
                    var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    _start += lineLength + s_lineEnd.Length;
                    if (size == 0)
                    {
                        // No trailers: the empty line that ends the body.
                        await SkipAsync(s_lineEnd.Length);
                        break;
                    }

                    await SkipAsync(size + s_lineEnd.Length);
                }
            }
            else
            {
                throw new InvalidOperationException($"response without Content-Length or chunked body:\n{headers}");
            }
        }

        /// <summary>Offset from the read position of <paramref name="pattern"/>, reading more as needed.</summary>
        private async ValueTask<int> FindAsync(byte[] pattern)
        {
            var searched = 0;
            while (true)
            {
                var index = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf(pattern);
                if (index >= 0)
                {
                    return searched + index;
                }

                searched = Math.Max(0, _end - _start - pattern.Length + 1);
                await FillAsync();
            }
        }

        private async ValueTask SkipAsync(int count)
        {
            while (_end - _start < count)
            {
                count -= _end - _start;
                _start = _end;
                await FillAsync();
            }

            _start += count;
        }

        private async ValueTask FillAsync()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, CancellationToken.None);
            if (read == 0)
            {
                throw new InvalidOperationException("the node closed the connection");
            }

            _end += read;
        }
    }
}
