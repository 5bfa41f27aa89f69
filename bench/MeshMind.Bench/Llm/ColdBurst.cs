using System.Diagnostics;

namespace MeshMind.Bench.Llm;

/// <summary>
/// Many chats at once through a node that has no connection to its LLM host yet: each needs a new TLS connection to the
/// host's mesh port at the same moment. Counts the ones that fail, and how long until the node answers again.
/// </summary>
internal static class ColdBurst
{
    private static readonly TimeSpan s_recoveryLimit = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(ChatPath path, byte[] body, int concurrency, CancellationToken cancellationToken)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            try
            {
                await StreamingChat.SendAsync(path.Http, path.Url, body, cancellationToken);
                return null;
            }
            catch (HttpRequestException ex)
            {
                return ex.Message;
            }
        }));
        var failures = outcomes.OfType<string>().ToList();
        var recovery = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await StreamingChat.SendAsync(path.Http, path.Url, body, cancellationToken);
                break;
            }
            catch (HttpRequestException) when (recovery.Elapsed < s_recoveryLimit)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"0. Cold burst: {concurrency} chats at once through {path.Name} before it has any connection to H: " +
            $"{failures.Count} failed; next chat answered after {recovery.Elapsed.TotalMilliseconds:F0} ms");
        foreach (var (message, count) in failures.CountBy(m => m))
        {
            Console.WriteLine($"  {count} x {message}");
        }
    }
}
