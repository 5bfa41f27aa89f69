using System.Globalization;

namespace MeshMind.Bench.Llm;

/// <summary>One throughput measurement: the rate the fixture was asked for (0: as fast as it goes), the median rate of each
/// path, and each process's CPU per token on the one-hop path.</summary>
internal sealed record ThroughputResult(int AskedRate, int Tokens, double Direct, double Hop, double Local, IReadOnlyList<double> HopCpuUsPerToken);

/// <summary>Part 2: tokens per second of one long streamed answer, straight from the fixture and through one hop.</summary>
internal static class HopThroughput
{
    public static async Task<ThroughputResult> RunAsync(string title, ChatPath direct, ChatPath hop, ChatPath local, CpuMeter cpu, byte[] body, int runs,
        CancellationToken cancellationToken, int askedRate = 0)
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
            (askedRate == 0 ? $"; one hop >= 1,000 tokens/s: {Table.Verdict(hopRate >= 1000)}" : $"; direct reaches {directRate / askedRate:P1} of the asked rate"));
        var hopSums = results[1].Cpu;
        return new ThroughputResult(askedRate, results[0].Tokens, directRate, hopRate, Percentiles.Median(results[2].Rates),
            [.. hopSums.Select(s => s.TotalMicroseconds / ((double)results[1].Tokens * runs))]);
    }

    /// <summary>One line per rate: asked, direct, one hop, their ratio, and the CPU per token of each process on the hop.</summary>
    public static void Summarize(IReadOnlyList<ThroughputResult> results, CpuMeter cpu)
    {
        Console.WriteLine();
        Console.WriteLine("2. Summary: tokens/s (medians) and CPU us per token on the one-hop path");
        Console.WriteLine($"  {"fixture asked",14} | {"tokens",7} | {"direct",9} | {"one hop",9} | {"hop/direct",10} | {"H, no hop",9} | " +
            string.Join(" | ", cpu.Names.Select(n => $"{n,7}")));
        foreach (var r in results)
        {
            var asked = r.AskedRate == 0 ? "unpaced" : r.AskedRate.ToString("N0", CultureInfo.InvariantCulture);
            Console.WriteLine($"  {asked,14} | {r.Tokens,7} | {r.Direct,9:F0} | {r.Hop,9:F0} | {r.Hop / r.Direct,10:P1} | {r.Local,9:F0} | " +
                string.Join(" | ", r.HopCpuUsPerToken.Select(c => $"{c,7:F2}")) +
                $"   target >= 95 %: {Table.Verdict(r.Hop / r.Direct >= 0.95)}");
        }
    }
}
