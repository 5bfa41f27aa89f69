using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MeshMind.Llm;
using MeshMind.Llm.Routing;

namespace MeshMind.Bench.Llm;

/// <summary>
/// What a request pays when its first-choice host refuses the connection: the node's own <see cref="LlmRouter"/>, in this
/// process, over two peer directories that differ only in that one of them ranks a refusing host first. Both then reach
/// the same real node over its mesh port (mutual TLS, pooled connection), so the difference is the failed attempt.
/// </summary>
/// <remarks>
/// Each request gets a fresh router (fresh breakers): in a running node the third refusal in a row opens the peer's
/// breaker and later requests skip it, so only the first few requests after a host dies pay this cost.
/// </remarks>
internal static class FailoverBenchmark
{
    private const int Warmup = 30;

    public static async Task RunAsync(BenchNode host, string model, int samples, CancellationToken cancellationToken)
    {
        using var self = new InProcessNode("bench-router");
        await self.JoinAsync(host.MeshPort, host.NodeId, cancellationToken);
        var refusingPort = RefusingPort();
        ModelInfo[] models = [new(model, Loaded: true, 4_661_224_676, "llama", "8.0B")];
        var direct = new LinkedPeers();
        direct.Add(host.NodeId, "h", IPAddress.Loopback, host.MeshPort, models, ttftMs: 5);
        var failing = new LinkedPeers();
        var refusingId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        failing.Add(refusingId, "refusing", IPAddress.Loopback, refusingPort, models, ttftMs: 1);
        failing.Add(host.NodeId, "h", IPAddress.Loopback, host.MeshPort, models, ttftMs: 5);
        if (CandidateRanker.Rank(model, self.Hosts(failing).Candidates()) is not [{ Host.NodeId: var first }, { Host.NodeId: var second }]
            || first != refusingId || second != host.NodeId)
        {
            throw new InvalidOperationException("the refusing host is not ranked first");
        }

        var log = new FailoverLog();
        var normal = new List<ChatTiming>();
        var failover = new List<ChatTiming>();
        for (var i = -Warmup; i < samples; i++)
        {
            // Alternate which kind goes first, so neither always follows the other.
            foreach (var failed in i % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var before = log.Count;
                var timing = await AskAsync(self.Router(failed ? failing : direct, log), model, host.NodeId, cancellationToken);
                if (log.Count - before != (failed ? 1 : 0))
                {
                    throw new InvalidOperationException($"expected {(failed ? 1 : 0)} failover, the router logged {log.Count - before}");
                }

                if (i >= 0)
                {
                    (failed ? failover : normal).Add(timing);
                }
            }
        }

        Report(samples, refusingPort, normal, failover, log.LastMessage);
    }

    private static async Task<ChatTiming> AskAsync(LlmRouter router, string model, string hostId, CancellationToken cancellationToken)
    {
        var request = new LlmRequest { Model = model, Messages = [new LlmMessage(LlmMessage.User, "hello")] };
        var started = Stopwatch.GetTimestamp();
        await using var answer = await router.OpenAsync(request, includePeers: true, cancellationToken);
        var ttft = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var tokens = 0;
        await foreach (var chunk in answer.ReadAsync().WithCancellation(cancellationToken))
        {
            tokens += chunk.Content is { Length: > 0 } ? 1 : 0;
        }

        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (answer.Host.NodeId != hostId)
        {
            throw new InvalidOperationException($"answered by {answer.Host.Name}, not the benchmark's host");
        }

        return new ChatTiming(ttft, total, tokens);
    }

    /// <summary>A loopback port that was just free and refuses connections (checked).</summary>
    private static int RefusingPort()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Connect(IPAddress.Loopback, port);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return port;
        }

        throw new InvalidOperationException($"127.0.0.1:{port} accepted a connection");
    }

    private static void Report(int samples, int refusingPort, List<ChatTiming> normal, List<ChatTiming> failover, string? reason)
    {
        var normalOpen = Percentiles.Of(normal.Select(t => t.TtftMs));
        var normalTotal = Percentiles.Of(normal.Select(t => t.TotalMs));
        var failoverOpen = Percentiles.Of(failover.Select(t => t.TtftMs));
        var failoverTotal = Percentiles.Of(failover.Select(t => t.TotalMs));
        var addedOpen = failoverOpen.Minus(normalOpen);
        var addedTotal = failoverTotal.Minus(normalTotal);
        var addedMean = failover.Average(t => t.TtftMs) - normal.Average(t => t.TtftMs);
        Console.WriteLine();
        Console.WriteLine($"3. Failover on a refused connection: in-process LlmRouter, first choice 127.0.0.1:{refusingPort} refuses, " +
            $"then node H over its mesh port; {samples} requests of each kind, interleaved, fresh breakers each (ms)");
        Console.WriteLine(Table.Header("", "first token", "done"));
        Console.WriteLine(Table.Row("H only, no failover", normalOpen, normalTotal));
        Console.WriteLine(Table.Row("refusing host first, then H", failoverOpen, failoverTotal));
        Console.WriteLine(Table.Row("added per failover", addedOpen, addedTotal));
        Console.WriteLine($"  added per failover, mean: {addedMean:F3} ms; target <= 50 ms: {Table.Verdict(addedOpen.P99 <= 50)} (p99 {addedOpen.P99:F3} ms)");
        Console.WriteLine($"  the router logged: {reason}");
    }
}
