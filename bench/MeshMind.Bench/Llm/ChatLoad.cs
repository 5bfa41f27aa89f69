using System.Diagnostics;

namespace MeshMind.Bench.Llm;

/// <summary>Where a chat goes: the fixture itself, or a node's <c>/ollama</c> API.</summary>
internal sealed record ChatPath(string Name, HttpClient Http, Uri Url);

/// <summary>Sends a number of streaming chats with a fixed number in flight (closed loop: each worker sends its next when one ends).</summary>
internal static class ChatLoad
{
    public static async Task<(ChatTiming[] Timings, TimeSpan Elapsed)> RunAsync(ChatPath path, byte[] body, int requests, int concurrency,
        CancellationToken cancellationToken)
    {
        var timings = new ChatTiming[requests];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, requests)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                timings[i] = await StreamingChat.SendAsync(path.Http, path.Url, body, cancellationToken);
            }
        }));
        return (timings, clock.Elapsed);
    }
}
