using System.Globalization;
using System.Net;
using MeshMind.Bench.Llm;
using MeshMind.FakeOllama;
using MeshMind.Testing.Load;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// <c>chaos load</c>: issue 14's load point. Node H (a real process) has the scripted Ollama fixture of this process as its
/// LLM; node T (a real process, no LLM) has H as a static peer, as in <c>llm</c>.
/// Part A sends bursts of streamed chats all at once (<c>--chats 250,500,1000</c>) through T (delegated to H) and straight
/// to H, with the fixture paced at a model's rate, and reports errors, first-token and whole-reply times, RSS and CPU per
/// chat (<c>--chats 1000,1000</c> runs a burst again, from the pools and heap the first left). Part B holds <c>--idle 2000</c> idle connections to T's HTTP port (and to H's mesh port) while a user asks for
/// the status and chats, and reports the user's latencies and what the server did with the idle connections.
/// Exit code 1 when any chat of part A failed.
/// </summary>
internal static class LoadBenchmark
{
    private const string Model = LlmBenchmark.Model;

    /// <summary>The unauthenticated connections H's mesh gate lets in per address (<c>Mesh:MaxUnauthenticatedConnectionsPerAddress</c>).</summary>
    private const int MeshCapPerAddress = 16;

    public static async Task<int> RunAsync(string[] options)
    {
        var steps = BenchArgs.Ints(options, "--chats", [250, 500, 1_000, 1_000]);
        var rate = BenchArgs.Int(options, "--rate", 20);
        var replyTokens = BenchArgs.Int(options, "--reply-tokens", 60);
        var direct = BenchArgs.Int(options, "--direct", 1) != 0;
        var idle = BenchArgs.Int(options, "--idle", 2_000);
        var holdSeconds = BenchArgs.Int(options, "--hold-seconds", 140);
        var meshIdle = BenchArgs.Int(options, "--mesh-idle", 2_000);
        var meshHoldSeconds = BenchArgs.Int(options, "--mesh-hold-seconds", 30);
        var baselineSeconds = BenchArgs.Int(options, "--baseline-seconds", 15);
        var userIntervalMs = BenchArgs.Int(options, "--user-interval-ms", 100);
        var userReplyTokens = BenchArgs.Int(options, "--user-reply-tokens", 20);
        var cancellationToken = CancellationToken.None;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos load: --chats {string.Join(',', steps)} --rate {rate} --reply-tokens {replyTokens} --direct {(direct ? 1 : 0)} " +
            $"--idle {idle} --hold-seconds {holdSeconds} --mesh-idle {meshIdle} --mesh-hold-seconds {meshHoldSeconds} " +
            $"--baseline-seconds {baselineSeconds} --user-interval-ms {userIntervalMs} --user-reply-tokens {userReplyTokens}"));
        Console.WriteLine($"nodes: default options (see the README); ulimit -n {RunUlimit()}, {Environment.ProcessorCount} cores, " +
            $"load average at start {File.ReadAllText("/proc/loadavg").Trim()}");

        var reply = Words(replyTokens);
        var fixtureOptions = new FakeOllamaOptions
        {
            Models = [new FakeModel(Model, "llama", "8.0B", 4_661_224_676)],
            Loaded = [Model],
            Reply = reply,
        };
        await using var fixture = await FakeOllamaServer.StartAsync(fixtureOptions, "127.0.0.1", 0, cancellationToken);
        var bursts = await RunBurstsAsync(fixture, steps, rate, reply, direct, cancellationToken);
        PrintBursts(bursts, rate, replyTokens);

        // Part B on fresh nodes, the fixture unpaced with a short reply: the user's latency is the nodes', not the model's.
        fixture.Options.TokensPerSecond = 0;
        var userReply = Words(userReplyTokens);
        fixture.Options.Reply = userReply;
        await using (var nodes = await LoadNodes.StartAsync(fixture, Model, cancellationToken))
        {
            var (host, delegator) = (nodes.Host, nodes.Delegator);
            var warm = await ChatBurst.RunAsync("T", delegator, 300, Model, userReply, Cpu(nodes), ProcessIds(nodes), cancellationToken);
            Console.WriteLine($"warm-up through T: 300 chats, {warm.Errors} errors {warm.DescribeErrors()}");
            var interval = TimeSpan.FromMilliseconds(userIntervalMs);
            Task<UserProbe> User(string phase, int seconds, CancellationToken ct) =>
                UserProbe.RunAsync(phase, delegator, TimeSpan.FromSeconds(seconds), interval, Model, userReply, ct);

            var baseline = await User("no idle connections", baselineSeconds, cancellationToken);
            var holds = new List<IdleResult>();
            if (idle > 0)
            {
                var hostName = delegator.Http.BaseAddress!.Authority;
                IdleProfile[] profiles = [IdleProfile.Silent, IdleProfile.AfterRequest(hostName), IdleProfile.PartialRequest(hostName)];
                var port = new IPEndPoint(IPAddress.Loopback, delegator.Http.BaseAddress.Port);
                holds.Add(await IdleHold.RunAsync($"{idle:N0} on T's HTTP port", port, idle, profiles, delegator.ProcessId, null,
                    ct => User($"{idle:N0} idle on T's HTTP port", holdSeconds, ct), cancellationToken));
                Console.WriteLine($"  held {idle} idle connections on T's HTTP port for {holdSeconds} s");
            }

            if (meshIdle > 0)
            {
                // Not from 127.0.0.1, where T's own connections to H come from: an attacker has its own addresses, and the gate
                // caps unauthenticated connections per address, so 2,000 need 125 addresses.
                var port = new IPEndPoint(IPAddress.Loopback, host.MeshPort);
                holds.Add(await IdleHold.RunAsync(
                    $"{meshIdle:N0} on H's mesh port, {MeshCapPerAddress} per address from {(meshIdle + MeshCapPerAddress - 1) / MeshCapPerAddress} addresses",
                    port, meshIdle, [IdleProfile.Silent, IdleProfile.PartialTls], host.ProcessId,
                    i => new IPAddress([127, 0, (byte)(1 + (i / MeshCapPerAddress / 250)), (byte)(2 + (i / MeshCapPerAddress % 250))]),
                    ct => User($"{meshIdle:N0} idle on H's mesh port", meshHoldSeconds, ct), cancellationToken));
                Console.WriteLine($"  held {meshIdle} idle connections on H's mesh port for {meshHoldSeconds} s");
            }

            PrintHolds(baseline, holds);
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return bursts.Any(b => b.Errors > 0) ? 1 : 0;
    }

    /// <summary>Part A on its own pair of nodes: a warm-up, then each burst size through each path, the fixture paced.</summary>
    private static async Task<List<BurstResult>> RunBurstsAsync(FakeOllamaServer fixture, int[] steps, int rate, string reply, bool direct,
        CancellationToken cancellationToken)
    {
        await using var nodes = await LoadNodes.StartAsync(fixture, Model, cancellationToken);
        var (host, delegator) = (nodes.Host, nodes.Delegator);
        var processIds = ProcessIds(nodes);
        var cpu = Cpu(nodes);
        var paths = direct
            ? new[] { ("T -> H (one hop)", delegator), ("H (no hop)", host) }
            : [("T -> H (one hop)", delegator)];

        // Warm-up, unpaced: JIT, connection pools between T and H, SQLite's first writes.
        foreach (var (name, node) in paths)
        {
            var warm = await ChatBurst.RunAsync(name, node, 300, Model, reply, cpu, processIds, cancellationToken);
            Console.WriteLine($"warm-up through {name}: 300 chats unpaced, {warm.Errors} errors {warm.DescribeErrors()}");
        }

        fixture.Options.TokensPerSecond = rate;
        var bursts = new List<BurstResult>();
        foreach (var chats in steps)
        {
            foreach (var (name, node) in paths)
            {
                var completedBefore = fixture.Completed;
                var burst = await ChatBurst.RunAsync(name, node, chats, Model, reply, cpu, processIds, cancellationToken);
                bursts.Add(burst);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name}: {chats} chats at once, {burst.Errors} errors, {burst.Wall.TotalSeconds:F1} s, fixture completed {fixture.Completed - completedBefore}, " +
                    $"{TcpConnections.To(host.MeshPort)} TCP connections to H's mesh port after it (T's link, and its HTTP/2 connections of up to 100 streams) " +
                    $"{burst.DescribeErrors()}"));
            }
        }

        return bursts;
    }

    private static int[] ProcessIds(LoadNodes nodes) => [nodes.Delegator.ProcessId, nodes.Host.ProcessId, Environment.ProcessId];

    private static CpuMeter Cpu(LoadNodes nodes) =>
        new([("T", nodes.Delegator.ProcessId), ("H", nodes.Host.ProcessId), ("bench", Environment.ProcessId)]);

    private static void PrintBursts(List<BurstResult> bursts, int rate, int replyTokens)
    {
        Console.WriteLine();
        Console.WriteLine($"A. Streamed chats all at once, fixture paced at {rate} tokens/s, {replyTokens}-token reply " +
            $"(about {(double)replyTokens / rate:F1} s); APIs in turn: {string.Join(", ", ChatBurst.Apis.Select(LoadChat.Path))}; ms");
        Console.WriteLine();
        Console.WriteLine("| path | chats at once | errors | first token p50 | p99 | whole reply p50 | p99 | all done in | tokens/s per chat (median) | listen-queue overflows |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var b in bursts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {b.Path} | {b.Chats:N0} | {b.Errors} | {LoadSample.Ms(b.Ttft.P50)} | {LoadSample.Ms(b.Ttft.P99)} | {LoadSample.Ms(b.Total.P50)} | " +
                $"{LoadSample.Ms(b.Total.P99)} | {b.Wall.TotalSeconds:F1} s | {b.TokensPerSecond:F1} | {b.ListenOverflows:N0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Memory (VmRSS, MB: before → peak during → 2 s after; VmHWM = the process's peak so far) and CPU per chat:");
        Console.WriteLine();
        Console.WriteLine("| path | chats | T RSS | H RSS | bench RSS | T / H VmHWM | T / H KB per chat in flight | CPU ms per chat, T / H / bench |");
        Console.WriteLine("| --- | ---: | --- | --- | --- | ---: | ---: | ---: |");
        foreach (var b in bursts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {b.Path} | {b.Chats:N0} | {Rss(b, 0)} | {Rss(b, 1)} | {Rss(b, 2)} | {BurstResult.Mb(b.HwmKb[0])} / {BurstResult.Mb(b.HwmKb[1])} | " +
                $"{b.KbPerChat(0):F0} / {b.KbPerChat(1):F0} | {b.CpuMsPerChat(0):F2} / {b.CpuMsPerChat(1):F2} / {b.CpuMsPerChat(2):F2} |"));
        }

        // The slope between the smallest and the largest burst: what each further chat in flight costs, without the fixed
        // part (pools, the GC's budget) that the first few hundred chats pay.
        foreach (var path in bursts.Select(b => b.Path).Distinct())
        {
            var runs = bursts.Where(b => b.Path == path).OrderBy(b => b.Chats).ToList();
            if (runs.Count >= 2 && runs[^1].Chats > runs[0].Chats)
            {
                // The first burst of each size: a repeated one starts from the RSS the one before left.
                var (small, large) = (runs[0], runs.First(r => r.Chats == runs[^1].Chats));
                double Slope(int i) => (double)(large.RssPeakKb[i] - small.RssPeakKb[i]) / (large.Chats - small.Chats);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: peak RSS from {small.Chats} to {large.Chats} chats at once: T {Slope(0):F0} KB, H {Slope(1):F0} KB, bench {Slope(2):F0} KB per further chat"));
            }
        }

        foreach (var b in bursts.Where(b => b.Errors > 0))
        {
            Console.WriteLine($"{b.Path}, {b.Chats}: {b.DescribeErrors()}");
        }
    }

    private static void PrintHolds(UserProbe baseline, List<IdleResult> holds)
    {
        Console.WriteLine();
        Console.WriteLine("B. Idle connections held (re-opened when the server closes them) while a user asks; fixture unpaced");
        Console.WriteLine();
        foreach (var h in holds)
        {
            Console.WriteLine($"{h.Name}: server RSS every 10 s, MB: {string.Join(' ', h.RssEvery10sKb.Select(BurstResult.Mb))}");
        }

        Console.WriteLine();
        Console.WriteLine("| idle connections | opened in | held (min–max, per second) | closed by the server | re-opened | open failures | server RSS per idle connection |");
        Console.WriteLine("| --- | ---: | ---: | --- | ---: | ---: | ---: |");
        foreach (var h in holds)
        {
            // Within a second of opening means refused (a cap), not timed out; the rest were held until a timeout.
            var closed = h.Closures.Count == 0
                ? "none"
                : string.Join("; ", h.Closures.GroupBy(c => c.Profile).Select(g =>
                {
                    var refused = g.Count(c => c.HeldFor < TimeSpan.FromSeconds(1));
                    var held = g.Where(c => c.HeldFor >= TimeSpan.FromSeconds(1)).ToList();
                    return string.Create(CultureInfo.InvariantCulture, $"{g.Count():N0} {g.Key}: ") + (held.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
                        $"{held.Count:N0} after {held.Min(c => c.HeldFor.TotalSeconds):F1}–{held.Max(c => c.HeldFor.TotalSeconds):F1} s (first at {held.Min(c => c.At.TotalSeconds):F1} s)"))
                        + (refused == 0 ? "" : $"{(held.Count == 0 ? "" : ", ")}{refused:N0} within 1 s");
                }));
            var failures = h.OpenFailures.Count == 0 ? "0" : $"{h.OpenFailures.Count} ({string.Join(", ", h.OpenFailures.Distinct())})";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {h.Name}, {h.Held.TotalSeconds:F0} s | {h.OpenedIn.TotalSeconds:F2} s | {h.HeldMin:N0}–{h.HeldMax:N0} | {closed} | {h.Reopened:N0} | {failures} | " +
                $"{h.KbPerConnection:F1} KB ({BurstResult.Mb(h.RssBeforeKb)} → {BurstResult.Mb(h.RssHeldKb)} → {BurstResult.Mb(h.RssEndKb)} MB) |"));
        }

        Console.WriteLine();
        Console.WriteLine("| while | user's request | n | errors | p50 | p95 | p99 | max | p99 ≤ 50 ms |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var probe in holds.Select(h => h.User).Prepend(baseline))
        {
            foreach (var sample in probe.Samples)
            {
                Console.WriteLine($"| {probe.Phase} |{sample.Row(50)[1..]}");
            }
        }

        foreach (var sample in holds.Select(h => h.User).Prepend(baseline).SelectMany(p => p.Samples.Select(s => (p.Phase, s))).Where(x => x.s.Errors > 0))
        {
            Console.WriteLine($"{sample.Phase}, {sample.s.Name}: {sample.s.DescribeErrors()}");
        }
    }

    private static string Rss(BurstResult b, int i) =>
        $"{BurstResult.Mb(b.RssBeforeKb[i])} → {BurstResult.Mb(b.RssPeakKb[i])} → {BurstResult.Mb(b.RssAfterKb[i])}";

    private static string RunUlimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
            }
        }

        return "?";
    }

    /// <summary>A reply the fixture streams as <paramref name="count"/> tokens (it splits on spaces).</summary>
    private static string Words(int count) => string.Join(' ', Enumerable.Range(1, count).Select(i => $"w{i}"));
}
