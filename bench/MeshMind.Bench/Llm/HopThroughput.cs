namespace MeshMind.Bench.Llm;

/// <summary>Part 2: tokens per second of one long streamed answer, straight from the fixture and through one hop.</summary>
internal static class HopThroughput
{
    public static async Task RunAsync(string title, ChatPath direct, ChatPath hop, ChatPath local, CpuMeter cpu, byte[] body, int runs,
        CancellationToken cancellationToken, bool absoluteTarget = true)
    {
        var results = new List<(ChatPath Path, List<double> Rates, int Tokens, TimeSpan[] Cpu)>();
        foreach (var path in new[] { direct, hop, local })
        {
            await StreamingChat.SendAsync(path.Http, path.Url, body, cancellationToken);
            var rates = new List<double>();
            var tokens = 0;
            var sums = new TimeSpan[cpu.Names.Count];
            for (var i = 0; i < runs; i++)
            {
                var before = cpu.Read();
                var timing = await StreamingChat.SendAsync(path.Http, path.Url, body, cancellationToken);
                cpu.AddSince(before, sums);
                tokens = timing.Tokens;
                rates.Add(timing.Tokens / (timing.TotalMs / 1000));
            }

            results.Add((path, rates, tokens, sums));
        }

        Console.WriteLine();
        Console.WriteLine($"{title}: one {results[0].Tokens}-token answer, {runs} runs per path after 1 warm-up (tokens/s, request sent to last line)");
        Console.WriteLine($"  {"path",-34} | {"median",9}{"min",9}{"max",9} | CPU us per token");
        foreach (var (path, rates, tokens, sums) in results)
        {
            Console.WriteLine($"  {path.Name,-34} | {Percentiles.Median(rates),9:F0}{rates.Min(),9:F0}{rates.Max(),9:F0} | " +
                cpu.Describe(sums, (double)tokens * runs, t => t.TotalMicroseconds));
        }

        var directRate = Percentiles.Median(results[0].Rates);
        var hopRate = Percentiles.Median(results[1].Rates);
        var ratio = hopRate / directRate;
        Console.WriteLine($"  one hop / direct: {ratio:P1}; target >= 95 %: {Table.Verdict(ratio >= 0.95)}" +
            (absoluteTarget ? $"; one hop >= 1,000 tokens/s: {Table.Verdict(hopRate >= 1000)}" : "; the paced fixture sets the rate here"));
    }
}
