using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MeshMind.Bench;

/// <summary>
/// Start-up latency (process start to the first 200 on <c>/healthz</c>) and idle resident memory of a published node.
/// </summary>
/// <remarks>
/// Each run uses a fresh data directory, so a run includes first-start work (identity certificate, schema migration).
/// A second, "restart" start reuses that directory: the everyday case. Runs are sequential; earlier nodes stay up
/// (idle) until every node has been idle for the requested time, then each node's VmRSS is read from /proc. Each run has
/// its own copy of a native executable (<see cref="OwnCopy"/>), as each node has on its own machine.
/// </remarks>
internal static class StartupBenchmark
{
    public static async Task<int> RunAsync(string executable, string[] options)
    {
        var runs = BenchArgs.Int(options, "--runs", 5);
        var idleSeconds = BenchArgs.Int(options, "--idle-seconds", 60);
        executable = Path.GetFullPath(executable);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var firstStarts = new List<double>();
        var restarts = new List<double>();
        var idle = new List<(Process Process, Stopwatch Since, string Dir)>();
        try
        {
            for (var i = 0; i < runs; i++)
            {
                var dir = Directory.CreateTempSubdirectory("meshmind-bench-").FullName;
                var own = OwnCopy(executable, dir);
                var data = Directory.CreateDirectory(Path.Combine(dir, "data")).FullName; // beside the copy: a node makes its data directory owner-only, files 0600
                var (first, firstProcess) = await StartAsync(own, data, http);
                firstStarts.Add(first);
                await StopAsync(firstProcess);
                var (restart, process) = await StartAsync(own, data, http);
                restarts.Add(restart);
                idle.Add((process, Stopwatch.StartNew(), dir));
                Console.WriteLine($"run {i + 1}: first start {first:F0} ms, restart {restart:F0} ms");
            }

            var rss = new List<double>();
            foreach (var (process, since, _) in idle)
            {
                var remaining = TimeSpan.FromSeconds(idleSeconds) - since.Elapsed;
                if (remaining > TimeSpan.Zero)
                {
                    await Task.Delay(remaining);
                }

                rss.Add(ResidentMegabytes(process.Id));
            }

            Console.WriteLine($"executable: {executable}");
            Console.WriteLine($"first start to /healthz 200: median {Median(firstStarts):F0} ms (min {firstStarts.Min():F0}, max {firstStarts.Max():F0}, n={runs})");
            Console.WriteLine($"restart to /healthz 200:     median {Median(restarts):F0} ms (min {restarts.Min():F0}, max {restarts.Max():F0}, n={runs})");
            Console.WriteLine($"idle RSS after {idleSeconds} s:        median {Median(rss):F1} MB (min {rss.Min():F1}, max {rss.Max():F1}, n={runs})");
            return 0;
        }
        finally
        {
            foreach (var (process, _, dir) in idle)
            {
                await StopAsync(process);
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>
    /// A native executable copied into the run's directory: the nodes idle side by side here, and pages of one file mapped
    /// by several processes count in each one's RSS and are kept resident by the others (a node's own page-out skips them),
    /// where on its own machine a node maps its executable alone. A .dll (run by <c>dotnet</c>) is used as it is.
    /// </summary>
    private static string OwnCopy(string executable, string dir)
    {
        if (executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return executable;
        }

        var copy = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName, Path.GetFileName(executable));
        File.Copy(executable, copy);
        return copy;
    }

    private static async Task<(double Milliseconds, Process Process)> StartAsync(string executable, string dataDir, HttpClient http)
    {
        var port = FreePort();
        var info = executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { executable } }
            : new ProcessStartInfo(executable);
        foreach (var argument in new[] { "run", "--data-dir", dataDir, "--http-port", port.ToString(CultureInfo.InvariantCulture), "--http-bind", "127.0.0.1", "--mesh-port", "0", "--mesh-bind", "127.0.0.1", "--discovery", "off" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NODE_PASSWORD"] = "benchmark-password";
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = dataDir;
        var url = new Uri($"http://127.0.0.1:{port}/healthz");
        var clock = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"meshmind exited with {process.ExitCode} before answering");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (clock.Elapsed.TotalMilliseconds, process);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Timed out; try again.
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("meshmind did not answer /healthz within 30 s");
            }

            await Task.Delay(1);
        }
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static double ResidentMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return kb / 1024;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
