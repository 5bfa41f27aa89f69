using MeshMind.FakeOllama;

namespace MeshMind.Bench.Llm;

/// <summary>
/// What delegating a chat to a peer costs, on 127.0.0.1: a scripted Ollama fixture in this process, node H (a real
/// process) whose LLM it is, and node T (a real process, no LLM) linked to H as a static peer.
/// </summary>
internal static class LlmBenchmark
{
    public const string Model = "llama3:latest";

    public static async Task<int> RunAsync(string[] options)
    {
        var single = BenchArgs.Int(options, "--requests", 300);
        var concurrentRequests = BenchArgs.Int(options, "--concurrent-requests", 1000);
        var concurrency = BenchArgs.Int(options, "--concurrency", 32);
        var warmup = BenchArgs.Int(options, "--warmup", 200);
        var replyTokens = BenchArgs.Int(options, "--reply-tokens", 20);
        var longTokens = BenchArgs.Int(options, "--long-tokens", 20_000);
        var longRuns = BenchArgs.Int(options, "--long-runs", 5);
        var pacedRates = BenchArgs.Ints(options, "--rates", [1_000, 5_000, 20_000]);
        var pacedSeconds = BenchArgs.Int(options, "--paced-seconds", 2);
        var pacedRuns = BenchArgs.Int(options, "--paced-runs", 3);
        var failovers = BenchArgs.Int(options, "--failovers", 300);
        var loadSeconds = BenchArgs.Int(options, "--load-seconds", 0);
        var modelRate = BenchArgs.Int(options, "--model-rate", 100);
        var modelRequests = BenchArgs.Int(options, "--model-requests", 960);
        var cancellationToken = CancellationToken.None;

        var fixtureOptions = new FakeOllamaOptions
        {
            Models = [new FakeModel(Model, "llama", "8.0B", 4_661_224_676)],
            Loaded = [Model],
            Reply = Words(replyTokens),
            TokenDelay = TimeSpan.Zero,
        };
        await using var fixture = await FakeOllamaServer.StartAsync(fixtureOptions, "127.0.0.1", 0, cancellationToken);
        await using var host = await BenchNode.StartAsync("h", fixture.BaseAddress.ToString(), [], cancellationToken);
        await using var delegator = await BenchNode.StartAsync("t", "http://127.0.0.1:9", ["--peer", $"127.0.0.1:{host.MeshPort}"], cancellationToken);
        await delegator.UntilServedByAsync(host.NodeId, Model, cancellationToken);
        Console.WriteLine($"fixture {fixture.BaseAddress}, node H {host.Http.BaseAddress} ({host.NodeId[..12]}, mesh port {host.MeshPort}), " +
            $"node T {delegator.Http.BaseAddress} ({delegator.NodeId[..12]}, static peer H); T routes {Model} to H");

        using var fixtureHttp = new HttpClient(new SocketsHttpHandler { UseCookies = false });
        var direct = new ChatPath("(a) fixture, direct", fixtureHttp, new Uri(fixture.BaseAddress, "/api/chat"));
        var hop = new ChatPath("(b) T -> H -> fixture, one hop", delegator.Http, delegator.Url("/ollama/api/chat"));
        var local = new ChatPath("(c) H -> fixture, no hop", host.Http, host.Url("/ollama/api/chat"));
        var body = StreamingChat.Body(Model, "hello");
        var cpu = new CpuMeter([("bench", Environment.ProcessId), ("H", host.ProcessId), ("T", delegator.ProcessId)]);

        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        await ColdBurst.RunAsync(hop, body, concurrency, cancellationToken);

        await WarmUp.RunAsync([direct, hop, local], body, concurrency, cpu, cancellationToken);
        if (loadSeconds > 0)
        {
            await LoadAsync(hop, body, concurrency, loadSeconds, cpu, host, delegator, cancellationToken);
            return 0;
        }

        await HopLatency.RunAsync(fixture, direct, hop, local, cpu, body, single, 1, warmup, cancellationToken);
        await HopLatency.RunAsync(fixture, direct, hop, local, cpu, body, concurrentRequests, concurrency, warmup, cancellationToken);
        if (modelRate > 0)
        {
            // The same at a model's pace: 32 chats in flight that each stream at a GPU-served model's rate, the load such a
            // network carries, instead of 32 clients that each start the next chat the moment 20 unpaced tokens are in.
            // First with the workers in step (all 32 start together, every reply's length), then staggered over one reply.
            fixture.Options.TokensPerSecond = modelRate;
            var reply = TimeSpan.FromSeconds((double)replyTokens / modelRate);
            await HopLatency.RunAsync(fixture, direct, hop, local, cpu, body, modelRequests, concurrency, concurrency * 2, cancellationToken,
                $"fixture paced at {modelRate:N0} tokens/s per chat, workers in step");
            await HopLatency.RunAsync(fixture, direct, hop, local, cpu, body, modelRequests, concurrency, concurrency * 2, cancellationToken,
                $"fixture paced at {modelRate:N0} tokens/s per chat, worker k starts k × {(reply / concurrency).TotalMilliseconds:F2} ms late",
                reply / concurrency);
            fixture.Options.TokensPerSecond = 0;
        }

        fixture.Options.Reply = Words(longTokens);
        var rates = new List<ThroughputResult>
        {
            await HopThroughput.RunAsync("2. Streaming throughput, no token delay", direct, hop, local, cpu, body, longRuns, cancellationToken),
        };
        foreach (var rate in pacedRates)
        {
            // A source that produces tokens at a set rate, on a schedule (FakeOllamaOptions.TokensPerSecond): does the hop keep up?
            fixture.Options.Reply = Words(rate * pacedSeconds);
            fixture.Options.TokensPerSecond = rate;
            rates.Add(await HopThroughput.RunAsync($"2b. Streaming throughput, fixture paced at {rate:N0} tokens/s", direct, hop, local, cpu, body, pacedRuns,
                cancellationToken, askedRate: rate));
            fixture.Options.TokensPerSecond = 0;
        }

        HopThroughput.Summarize(rates, cpu);
        fixture.Options.Reply = Words(replyTokens);

        await FailoverBenchmark.RunAsync(host, Model, failovers, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>
    /// Only a steady load through T at <paramref name="concurrency"/> for <paramref name="seconds"/>, for a profiler attached
    /// to the node processes (their ids are printed first, and written to <c>/tmp/meshmind-llm-load.pids</c>).
    /// </summary>
    private static async Task LoadAsync(ChatPath hop, byte[] body, int concurrency, int seconds, CpuMeter cpu, BenchNode host, BenchNode delegator,
        CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync("/tmp/meshmind-llm-load.pids", $"H {host.ProcessId}\nT {delegator.ProcessId}\n", cancellationToken);
        Console.WriteLine($"load: {hop.Name} at concurrency {concurrency} for {seconds} s; H is process {host.ProcessId}, T is process {delegator.ProcessId}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var requests = 0;
        var sums = new TimeSpan[cpu.Names.Count];
        var before = cpu.Read();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await ChatLoad.RunAsync(hop, body, concurrency * 100, concurrency, cancellationToken);
            requests += concurrency * 100;
        }

        cpu.AddSince(before, sums);
        Console.WriteLine($"load: {requests} requests in {clock.Elapsed.TotalSeconds:F1} s ({requests / clock.Elapsed.TotalSeconds:F0}/s); CPU ms per request: " +
            cpu.Describe(sums, requests, t => t.TotalMilliseconds));
    }

    /// <summary>A reply the fixture streams as <paramref name="count"/> tokens (it splits on spaces).</summary>
    private static string Words(int count) => string.Join(' ', Enumerable.Range(1, count).Select(i => $"w{i}"));
}
