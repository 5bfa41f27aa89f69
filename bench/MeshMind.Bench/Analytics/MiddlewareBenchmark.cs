using System.Diagnostics;
using System.Globalization;
using MeshMind.Bench.Llm;

namespace MeshMind.Bench.Analytics;

/// <summary>
/// What the per-route measuring (<c>PerfMiddleware</c>) costs a request: two real node processes on 127.0.0.1, one as
/// shipped and one with <c>MESHMIND__Analytics__MeasureRequests=false</c>, each loaded in turn with a closed loop of
/// <c>GET /api/status</c> over keep-alive HTTP/1.1 connections; requests/s and the node's CPU per request.
/// </summary>
/// <remarks>
/// Both processes stay up for the whole run and are warmed up until their background JIT is quiet, so no round pays for
/// start-up or tier-1 recompilation; only one of them is under load at a time (the other is idle). The rounds alternate
/// which configuration goes first (on/off, off/on, ...), so a drift of the machine falls on both alike.
/// </remarks>
internal static class MiddlewareBenchmark
{
    private const int MaxWarmUpPasses = 8;

    public static async Task<int> RunAsync(string[] options)
    {
        var rounds = BenchArgs.Int(options, "--rounds", 5);
        var seconds = BenchArgs.Int(options, "--seconds", 10);
        var concurrency = BenchArgs.Int(options, "--concurrency", 32);
        var warmUpSeconds = BenchArgs.Int(options, "--warmup-seconds", 3);
        // --pin 1 (default): each node on the last CPU, this process (the client) on the others; --pin 0: no pinning.
        var pin = BenchArgs.Int(options, "--pin", 1) != 0 && Environment.ProcessorCount >= 2;
        var cancellationToken = CancellationToken.None;

        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        // No LLM: the Ollama URL points at the discard port, nothing listens there.
        await using var on = await BenchNode.StartAsync("on", "http://127.0.0.1:9", [], cancellationToken);
        await using var off = await BenchNode.StartAsync("off", "http://127.0.0.1:9", [], cancellationToken,
            new Dictionary<string, string> { ["MESHMIND__Analytics__MeasureRequests"] = "false" });
        var targets = new[] { Target("on", on), Target("off", off) };
        Console.WriteLine($"node on  {on.Http.BaseAddress} (pid {on.ProcessId}, measuring requests, the default)");
        Console.WriteLine($"node off {off.Http.BaseAddress} (pid {off.ProcessId}, MESHMIND__Analytics__MeasureRequests=false)");
        if (pin)
        {
            var last = Environment.ProcessorCount - 1;
            await PinAsync(on.ProcessId, $"{last}");
            await PinAsync(off.ProcessId, $"{last}");
            await PinAsync(Environment.ProcessId, last == 1 ? "0" : $"0-{last - 1}");
            Console.WriteLine($"pinned: nodes to CPU {last}, this process (client) to the others");
        }

        await CheckMeasuringAsync(on, expected: true, cancellationToken);
        await CheckMeasuringAsync(off, expected: false, cancellationToken);

        await WarmUpAsync(targets, concurrency, warmUpSeconds, cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"GET /api/status, closed loop of {concurrency} keep-alive connections, {seconds} s measured per run after 1 s of load");
        Console.WriteLine($"  {"round",-6} {"config",-7} {"requests/s",12} {"node CPU ms/req",16} {"node cores",11} {"bench CPU ms/req",17} {"node RSS MB",12}");
        var results = targets.ToDictionary(t => t.Name, _ => new List<LoadResult>());
        for (var round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 1 ? targets : [.. targets.Reverse()];
            foreach (var target in order)
            {
                var result = await StatusLoad.RunAsync(target, concurrency, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(seconds), cancellationToken);
                results[target.Name].Add(result);
                Console.WriteLine($"  {round,-6} {target.Name,-7} {result.RequestsPerSecond,12:N0} {result.NodeCpuMsPerRequest,16:F4} {result.NodeCores,11:F2} {result.BenchCpuMsPerRequest,17:F4} {ResidentMegabytes(target.ProcessId),12:F1}");
            }
        }

        var onRps = Median(results["on"].Select(r => r.RequestsPerSecond));
        var offRps = Median(results["off"].Select(r => r.RequestsPerSecond));
        var onCpu = Median(results["on"].Select(r => r.NodeCpuMsPerRequest));
        var offCpu = Median(results["off"].Select(r => r.NodeCpuMsPerRequest));
        var pairedLoss = Median(results["on"].Zip(results["off"], (a, b) => 1 - (a.RequestsPerSecond / b.RequestsPerSecond)));
        var loss = 1 - (onRps / offRps);
        Console.WriteLine();
        Console.WriteLine($"  median requests/s: on {onRps:N0}, off {offRps:N0}; loss 1 - on/off = {Percent(loss)} " +
            $"(median of per-round losses {Percent(pairedLoss)}); target <= 2 %: {Table.Verdict(loss <= 0.02)}");
        Console.WriteLine($"  median node CPU per request: on {onCpu * 1000:F1} us, off {offCpu * 1000:F1} us; " +
            $"the middleware adds {(onCpu - offCpu) * 1000:F1} us ({Percent((onCpu / offCpu) - 1)})");
        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static LoadTarget Target(string name, BenchNode node)
    {
        var cookie = string.Join("; ", node.Http.DefaultRequestHeaders.GetValues("Cookie"));
        return new LoadTarget(name, node.Http.BaseAddress!, cookie, node.ProcessId);
    }

    /// <summary>The two processes must differ as intended: <c>/api/analytics</c> lists the status route only where it is measured.</summary>
    private static async Task CheckMeasuringAsync(BenchNode node, bool expected, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 20; i++)
        {
            (await node.Http.GetAsync(new Uri("/api/status", UriKind.Relative), cancellationToken)).Dispose();
        }

        // A plain text search for the route key in the JSON is enough here.
        using var response = await node.Http.GetAsync(new Uri("/api/analytics/perf", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Console.WriteLine($"  (could not check {node.Http.BaseAddress}: /api/analytics/perf answered {(int)response.StatusCode})");
            return;
        }

        var measured = body.Contains("GET /api/status", StringComparison.Ordinal);
        Console.WriteLine($"  check: /api/analytics/perf on {node.Http.BaseAddress} {(measured ? "lists" : "does not list")} GET /api/status");
        if (measured != expected)
        {
            throw new InvalidOperationException($"node {node.Http.BaseAddress} was expected {(expected ? "to" : "not to")} measure requests");
        }
    }

    /// <summary>Passes of load on each node in turn until a pass in which neither node's background JIT ran for more than one tick.</summary>
    private static async Task WarmUpAsync(LoadTarget[] targets, int concurrency, int seconds, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var passes = new List<string>();
        var cpu = new CpuMeter([.. targets.Select(t => (t.Name, t.ProcessId))]);
        TimeSpan[] jit;
        do
        {
            var before = cpu.ReadJit();
            foreach (var target in targets)
            {
                await StatusLoad.RunAsync(target, concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(seconds), cancellationToken);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            jit = cpu.ReadJit().Since(before);
            passes.Add(string.Join("/", jit.Select(t => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture))));
        }
        // A negative figure: the JIT thread ended during the pass, idle (its time went with it).
        while (jit.Any(t => t > TimeSpan.FromMilliseconds(10)) && passes.Count < MaxWarmUpPasses);

        Console.WriteLine($"warm-up: {passes.Count} passes of {seconds} s per node in {clock.Elapsed.TotalSeconds:F0} s; " +
            $"background JIT ms per pass ({string.Join("/", cpu.Names)}): {string.Join(", ", passes)}");
    }

    /// <summary><c>taskset -a -p -c CPUS PID</c>: every thread of the process, and the threads it starts later.</summary>
    private static async Task PinAsync(int processId, string cpus)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpus, processId.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        })!;
        await taskset.StandardOutput.ReadToEndAsync();
        await taskset.WaitForExitAsync();
        if (taskset.ExitCode != 0)
        {
            throw new InvalidOperationException($"taskset failed for {processId} (exit {taskset.ExitCode})");
        }
    }

    private static double ResidentMegabytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Percent(double share) => (share * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + " %";
}
