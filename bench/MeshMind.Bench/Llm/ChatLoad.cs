using System.Diagnostics;

namespace MeshMind.Bench.Llm;

/// <summary>Where a chat goes: the fixture itself, or a node's <c>/ollama</c> API.</summary>
internal sealed record ChatPath(string Name, HttpClient Http, Uri Url);

/// <summary>Sends a number of streaming chats with a fixed number in flight (closed loop: each worker sends its next when one ends).</summary>
internal static class ChatLoad
{
    /// <remarks>
    /// With <paramref name="stagger"/>, worker <c>k</c> sends its first chat <c>k × stagger</c> after the start. Chats that all
    /// last about as long (a paced fixture) otherwise keep starting in the same millisecond, all workers at once, for as
    /// long as the run lasts.
    /// </remarks>
    public static async Task<(ChatTiming[] Timings, TimeSpan Elapsed)> RunAsync(ChatPath path, byte[] body, int requests, int concurrency,
        CancellationToken cancellationToken, TimeSpan stagger = default)
    {
        var timings = new ChatTiming[requests];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, requests)).Select(async worker =>
        {
            if (stagger > TimeSpan.Zero)
            {
                await Task.Delay(stagger * worker, cancellationToken);
            }

            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                timings[i] = await StreamingChat.SendAsync(path.Http, path.Url, body, cancellationToken);
            }
        }));
        return (timings, clock.Elapsed);
    }
}
