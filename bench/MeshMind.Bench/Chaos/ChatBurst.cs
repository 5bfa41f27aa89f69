using System.Diagnostics;
using System.Globalization;
using MeshMind.Bench.Files;
using MeshMind.Bench.Llm;
using MeshMind.Testing.Load;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// Part A of <c>chaos load</c>: N streamed chats sent all at once to one node, the APIs taking turns (Ollama, the web UI's
/// <c>/api/chat</c>, OpenAI), each over its own new connection, and every one checked to end properly with the whole reply.
/// While they run, each process's VmRSS is sampled (about every 50 ms) and its CPU time read before and after.
/// </summary>
internal static class ChatBurst
{
    /// <summary>A chat not finished by then counts as an error (the fixture's reply lasts seconds).</summary>
    private static readonly TimeSpan s_chatLimit = TimeSpan.FromMinutes(5);

    /// <summary>How long after the last chat the final RSS is read (the node's buffers go back to their pools).</summary>
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(2);

    public static readonly LoadApi[] Apis = [LoadApi.Ollama, LoadApi.Seed, LoadApi.OpenAi];

    public static async Task<BurstResult> RunAsync(string path, BenchNode target, int chats, string model, string reply, CpuMeter cpu,
        int[] processIds, CancellationToken cancellationToken)
    {
        using var http = LoadClients.For(target);
        var bodies = Apis.ToDictionary(api => api, api => LoadChat.Body(api, model, "hello"));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(s_chatLimit);
        var sums = new TimeSpan[cpu.Names.Count];
        await using var rss = RssSampler.Start(processIds);
        var before = cpu.Read();
        var overflows = ListenOverflows.Read();
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, chats).Select(i =>
        {
            var api = Apis[i % Apis.Length];
            return LoadChat.SendAsync(http, target.Http.BaseAddress!, api, bodies[api], reply, limit.Token);
        }));
        var wall = clock.Elapsed;
        overflows = ListenOverflows.Read() - overflows;
        cpu.AddSince(before, sums);
        await rss.StopAsync();
        await Task.Delay(s_settle, cancellationToken);
        return new BurstResult(path, chats, results, wall, overflows, sums, [.. rss.StartKb], [.. rss.PeakKb],
            [.. processIds.Select(id => RssSampler.ReadKb(id))], [.. processIds.Select(id => RssSampler.ReadKb(id, "VmHWM"))]);
    }
}

/// <summary>
/// What one burst of chats did: each chat's result, the wall time, connections dropped by full listen queues meanwhile
/// (machine-wide), CPU per process, and RSS per process in kB.
/// </summary>
internal sealed record BurstResult(string Path, int Chats, LoadChatResult[] Results, TimeSpan Wall, long ListenOverflows, TimeSpan[] Cpu,
    long[] RssBeforeKb, long[] RssPeakKb, long[] RssAfterKb, long[] HwmKb)
{
    public int Errors => Results.Count(r => !r.Ok);

    public Percentiles Ttft => Percentiles.Of(Results.Where(r => r.Ok).Select(r => r.TtftMs));

    public Percentiles Total => Percentiles.Of(Results.Where(r => r.Ok).Select(r => r.TotalMs));

    /// <summary>Median tokens per second of one chat, from its first token to its end.</summary>
    public double TokensPerSecond => Percentiles.Median(Results.Where(r => r.Ok && r.Tokens > 1 && r.TotalMs > r.TtftMs)
        .Select(r => (r.Tokens - 1) / ((r.TotalMs - r.TtftMs) / 1000)));

    /// <summary>RSS growth over the start, at the peak, per chat in flight, kB, for process <paramref name="i"/>.</summary>
    public double KbPerChat(int i) => (double)(RssPeakKb[i] - RssBeforeKb[i]) / Chats;

    public double CpuMsPerChat(int i) => Cpu[i].TotalMilliseconds / Chats;

    /// <summary>e.g. <c>500 × ollama; 2 × seed: HTTP 503 …</c>, grouped by API and reason.</summary>
    public string DescribeErrors() => string.Join("; ", Results.Where(r => !r.Ok).GroupBy(r => $"{r.Api}: {r.Error}")
        .OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Count()} × {g.Key}"));

    public static string Mb(long kb) => (kb / 1024.0).ToString("F0", CultureInfo.InvariantCulture);
}
