using MeshMind.Bench.Llm;

namespace MeshMind.Bench.Files;

/// <summary>
/// File sharing on 127.0.0.1 with real node processes (discovery off): a large upload and its downloads, direct and
/// through a peer (<see cref="LargeFileBenchmark"/>), then listing latency with many peers (<see cref="ListingBenchmark"/>).
/// </summary>
internal static class FilesBenchmark
{
    /// <summary>A port nothing listens on: these nodes have no LLM.</summary>
    public const string NoLlm = "http://127.0.0.1:9";

    public static async Task<int> RunAsync(string[] options)
    {
        var sizeMib = BenchArgs.Int(options, "--size-mib", 1024);
        var runs = BenchArgs.Int(options, "--runs", 3);
        var peerCount = BenchArgs.Int(options, "--peers", 10);
        var filesPerPeer = BenchArgs.Int(options, "--files", 1000);
        var listings = BenchArgs.Int(options, "--listings", 300);
        var staleRuns = BenchArgs.Int(options, "--stale-runs", 3);
        var coldRuns = BenchArgs.Int(options, "--cold-runs", 10);
        var warm = BenchArgs.Int(options, "--settle", 1) != 0;
        var cancellationToken = CancellationToken.None;

        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        if (sizeMib > 0)
        {
            // Each node's data directory (and so the file's blob) is deleted when it is disposed.
            await using var a = await BenchNode.StartAsync("a", NoLlm, [], cancellationToken);
            await using var b = await BenchNode.StartAsync("b", NoLlm, ["--peer", $"127.0.0.1:{a.MeshPort}"], cancellationToken);
            await NodeLinks.UntilLinkedAsync(b, [a.NodeId], cancellationToken);
            Console.WriteLine($"node A {a.Http.BaseAddress} ({a.NodeId[..12]}, mesh port {a.MeshPort}), node B {b.Http.BaseAddress} ({b.NodeId[..12]}, static peer A)");
            await LargeFileBenchmark.RunAsync(a, b, sizeMib, runs, cancellationToken);
        }

        if (peerCount > 0)
        {
            await ListingBenchmark.RunAsync(peerCount, filesPerPeer, listings, staleRuns, coldRuns, warm, cancellationToken);
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }
}
