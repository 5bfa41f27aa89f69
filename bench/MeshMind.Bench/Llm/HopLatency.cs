using MeshMind.FakeOllama;

namespace MeshMind.Bench.Llm;

/// <summary>
/// Part 1: time to first token and to the final line of short answers, straight to the fixture, through a node without
/// an LLM (one hop through the mesh), and through the node that hosts the LLM (no hop), at a given concurrency.
/// </summary>
/// <remarks>
/// The requests of each path are sent in rounds that take turns with the other paths (in a rotating order), so a slow
/// moment of the machine (a GC, a timer, another process) falls on every path alike rather than on whichever ran then.
/// </remarks>
internal static class HopLatency
{
    private sealed class PathRun(ChatPath path, int processes)
    {
        public ChatPath Path { get; } = path;

        public List<ChatTiming> Timings { get; } = [];

        public TimeSpan Elapsed { get; set; }

        public TimeSpan[] Cpu { get; } = new TimeSpan[processes];

        public TimeSpan[] Jit { get; } = new TimeSpan[processes];

        public Percentiles Ttft => Percentiles.Of(Timings.Select(t => t.TtftMs));

        public Percentiles Total => Percentiles.Of(Timings.Select(t => t.TotalMs));
    }

    public static async Task RunAsync(FakeOllamaServer fixture, ChatPath direct, ChatPath hop, ChatPath local, CpuMeter cpu, byte[] body,
        int requests, int concurrency, int warmup, CancellationToken cancellationToken, string pace = "no token delay", TimeSpan stagger = default)
    {
        var runs = new[] { direct, hop, local }.Select(p => new PathRun(p, cpu.Names.Count)).ToArray();
        foreach (var run in runs)
        {
            await ChatLoad.RunAsync(run.Path, body, warmup, concurrency, cancellationToken, stagger);
        }

        var rounds = Math.Clamp(requests / Math.Max(50, concurrency * 4), 1, 10);
        for (var round = 0; round < rounds; round++)
        {
            var count = (requests / rounds) + (round == rounds - 1 ? requests % rounds : 0);
            for (var k = 0; k < runs.Length; k++)
            {
                var run = runs[(round + k) % runs.Length];
                var completed = fixture.Completed;
                var before = cpu.Read();
                var jitBefore = cpu.ReadJit();
                var (timings, elapsed) = await ChatLoad.RunAsync(run.Path, body, count, concurrency, cancellationToken, stagger);
                cpu.AddSince(before, run.Cpu);
                cpu.AddJitSince(jitBefore, run.Jit);
                if (fixture.Completed - completed != count)
                {
                    throw new InvalidOperationException($"{run.Path.Name}: the fixture finished {fixture.Completed - completed} answers for {count} requests");
                }

                run.Timings.AddRange(timings);
                run.Elapsed += elapsed;
            }
        }

        Console.WriteLine();
        Console.WriteLine($"1. Chat latency, concurrency {concurrency}: {requests} streaming requests per path in {rounds} interleaved rounds, after {warmup} " +
            $"warm-up; {runs[0].Timings[0].Tokens}-token reply, {pace} (ms)");
        Console.WriteLine(Table.Header("path", "first token", "done", "requests/s | CPU ms per request"));
        foreach (var run in runs)
        {
            Console.WriteLine(Table.Row(run.Path.Name, run.Ttft, run.Total,
                $"{run.Timings.Count / run.Elapsed.TotalSeconds,10:F0} | {cpu.Describe(run.Cpu, run.Timings.Count, t => t.TotalMilliseconds)}"));
        }

        var jit = new TimeSpan[cpu.Names.Count];
        foreach (var run in runs)
        {
            for (var i = 0; i < jit.Length; i++)
            {
                jit[i] += run.Jit[i];
            }
        }

        var (a, b, c) = (runs[0], runs[1], runs[2]);
        var addedTtft = b.Ttft.Minus(a.Ttft);
        Console.WriteLine(Table.Row("added by the hop: (b) - (a)", addedTtft, b.Total.Minus(a.Total)));
        Console.WriteLine(Table.Row("  of which node H: (c) - (a)", c.Ttft.Minus(a.Ttft), c.Total.Minus(a.Total)));
        Console.WriteLine(Table.Row("  of which T and the link: (b) - (c)", b.Ttft.Minus(c.Ttft), b.Total.Minus(c.Total)));
        Console.WriteLine($"  target: added first token <= 2 ms at p50: {Table.Verdict(addedTtft.P50 <= 2)} ({addedTtft.P50:F3}), " +
            $"<= 5 ms at p99: {Table.Verdict(addedTtft.P99 <= 5)} ({addedTtft.P99:F3}); differences are of percentiles, not per request");
        Console.WriteLine($"  background JIT while measuring, ms: {cpu.Describe(jit, 1, t => t.TotalMilliseconds)}");
    }
}
