using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MeshMind.Lab.Lab;

namespace MeshMind.Lab.Eval;

/// <summary>
/// <c>meshmind eval</c>: the seed's §11 methodology against a mesh, through its nodes' APIs. An idle phase (counters only), then a
/// load phase: file listings, probe files fetched through the entry node's proxy from the nodes that hold them, and streamed
/// chats; every second each node's own <c>/metrics</c> (bandwidth, CPU, memory, counters); with <c>--churn</c>, kills of lab nodes
/// that the lab restarts. Ends with results.json, CSVs and report.html, also when it had to stop early (a partial report).
/// </summary>
internal sealed partial class EvalRunner
{
    private const long ProbeBytes = 256 * 1024;
    private const int MaxProbes = 3;
    private static readonly TimeSpan s_entryDeadAfter = TimeSpan.FromSeconds(15);

    private readonly EvalOptions _options;
    private readonly TextWriter _out;
    private readonly ConcurrentQueue<Operation> _operations = new();
    private readonly ConcurrentQueue<NodeSample> _samples = new();
    private readonly Dictionary<string, string> _peerNames = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LabEvent> _events = new();
    private readonly List<string> _notes = [];
    private readonly List<string> _versions = [];
    private readonly Dictionary<string, string> _hostNames = new(StringComparer.Ordinal);
    private long _t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly List<EvalTarget> _targets = [];
    private readonly List<Probe> _probes = [];
    private string? _model;
    private string _phase = "idle";
    private long _lastEntrySuccess = Stopwatch.GetTimestamp();

    private EvalRunner(EvalOptions options, TextWriter output)
    {
        _options = options;
        _out = output;
    }

    private EvalTarget Entry => _targets[0];

    public static async Task<int> RunAsync(EvalOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (options.Validate() is { } problem)
        {
            await error.WriteLineAsync($"meshmind eval: {problem}");
            return 2;
        }

        var runner = new EvalRunner(options, output);
        var started = DateTimeOffset.UtcNow;
        string? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.ProgressJson)
        {
            Progress.StopWhenInputCloses(stop);
        }

        try
        {
            await runner.RunAsync(stop.Token);
        }
        catch (EvalException ex)
        {
            failure = ex.Message;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            failure = cancellationToken.IsCancellationRequested ? "stopped (Ctrl+C or SIGTERM) before the end" : "stopped before the end";
        }
        finally
        {
            await runner.RemoveProbesAsync();
        }

        var results = runner.Results(started, failure);
        try
        {
            Directory.CreateDirectory(options.Out);
            EvalOutput.Write(options.Out, results, [.. runner._operations], [.. runner._samples]);
            Report.ReportWriter.Write(Path.Combine(options.Out, "report.html"), results);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"meshmind eval: cannot write the report to {Path.GetFullPath(options.Out)}: {ex.Message}");
            return 1;
        }

        runner.DisposeTargets();
        if (failure is not null)
        {
            await error.WriteLineAsync($"meshmind eval: {failure}; partial report in {Path.GetFullPath(options.Out)}");
            return 1;
        }

        await output.WriteLineAsync(Summary.Text(results));
        await output.WriteLineAsync($"meshmind eval: report in {Path.GetFullPath(Path.Combine(options.Out, "report.html"))}");
        return 0;
    }

    private void DisposeTargets() => _targets.ForEach(t => t.Dispose());

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        Progress.Preparing(_options);
        LoadTargets();
        await CheckNodesAsync(cancellationToken);
        await FindModelAsync(cancellationToken);
        await UploadProbesAsync(cancellationToken);

        var idle = TimeSpan.FromSeconds(Math.Clamp(_options.Duration.TotalSeconds / 6, 2, 10));
        var end = Stopwatch.GetTimestamp() + (long)((idle + _options.Duration).TotalSeconds * Stopwatch.Frequency);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _t0 = Now();
        var sampler = SampleAsync(end, run.Token);
        try
        {
            await Progress.RunAsync(this, _options, idle, _options.Duration, async () =>
            {
                await Task.Delay(idle, run.Token);
                _phase = "load";
                _lastEntrySuccess = Stopwatch.GetTimestamp();
                List<Task> workers = [FilesAsync(end, run.Token), ProxyAsync(end, run.Token), WatchEntryAsync(end, run)];
                workers.AddRange(Enumerable.Range(0, _model is null ? 0 : _options.Chats).Select(i => ChatAsync(i, end, run.Token)));
                if (_options.Churn)
                {
                    workers.Add(ChurnAsync(run.Token));
                }

                await Task.WhenAll(workers);
            }, cancellationToken);
            await sampler;
        }
        catch (OperationCanceledException) when (_entryLost is not null && !cancellationToken.IsCancellationRequested)
        {
            // The watch on the entry node stopped the load (a worker cancelled in a pause throws): the report says why below.
        }

        // After the last request: the counters to check against what eval counted.
        await SampleOnceAsync(cancellationToken);
        if (_entryLost is { } lost)
        {
            throw new EvalException(lost);
        }
    }

    private string? _entryLost;

    private void LoadTargets()
    {
        if (_options.Lab is { } labFile)
        {
            var (entries, error) = LabFile.Read(labFile);
            if (entries is null)
            {
                throw new EvalException(error!);
            }

            _targets.AddRange(entries.Select(e => new EvalTarget(e.Name, new Uri(e.Url), e.ApiKey, e.HasLlm, e.Pid)));
        }
        else
        {
            _targets.Add(new EvalTarget("entry", new Uri(_options.Node!), _options.Key!.Trim(), false, null));
        }
    }

    /// <summary>Every node answers its status with the key; the entry must, the others are noted and skipped.</summary>
    private async Task CheckNodesAsync(CancellationToken cancellationToken)
    {
        foreach (var target in _targets.ToList())
        {
            string? problem;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                using var response = await target.Client.GetAsync("/api/status", timeout.Token);
                problem = response.StatusCode switch
                {
                    HttpStatusCode.OK => null,
                    HttpStatusCode.Unauthorized => $"the node at {target.Url} did not accept the API key (wrong or deleted key?)",
                    _ => $"the node at {target.Url} answered /api/status with {(int)response.StatusCode}",
                };
                var status = problem is null ? await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token) : default;
                if (problem is null)
                {
                    _versions.Add($"{status.GetProperty("name").GetString()}: meshmind {status.GetProperty("version").GetString()}");
                    // A chat the node answers itself names it by its own id (X-MeshMind-Host), which its peer list lacks.
                    _hostNames[status.GetProperty("node_id").GetString()!] = status.GetProperty("name").GetString()!;
                }

                if (problem is null && _options.Lab is null)
                {
                    // The copy shares the client.
                    _targets[0] = target with { Name = status.GetProperty("name").GetString() ?? "entry", HasLlm = status.GetProperty("is_llm_host").GetBoolean() };
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                problem = $"no node answers at {target.Url} ({(ex is TaskCanceledException ? "no answer in 10 s" : ex.Message)})";
            }

            if (problem is not null)
            {
                if (target == _targets[0])
                {
                    throw new EvalException(problem);
                }

                Note($"{target.Name} skipped: {problem}");
                _targets.Remove(target);
                target.Dispose();
            }
        }
    }

    private async Task FindModelAsync(CancellationToken cancellationToken)
    {
        // A node builds its metrics exporter at the first scrape: done here, so the idle phase measures the idle node.
        await Task.WhenAll(_targets.Select(async target =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(20));
                await target.Client.GetStringAsync("/metrics", timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Note($"{target.Name} did not serve /metrics: its bandwidth and resources are not measured");
            }
        }));

        // Chats name their host by node id (X-MeshMind-Host); the report names it.
        using (var peers = await Entry.Client.GetAsync("/api/peers", cancellationToken))
        {
            if (peers.IsSuccessStatusCode)
            {
                foreach (var peer in (await peers.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).EnumerateArray())
                {
                    _hostNames[peer.GetProperty("node_id").GetString()!] = peer.GetProperty("name").GetString()!;
                }
            }
        }

        using var response = await Entry.Client.GetAsync("/api/tags", cancellationToken);
        var tags = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken) : default;
        _model = tags.ValueKind == JsonValueKind.Object && tags.GetProperty("models").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first
            ? first.GetProperty("name").GetString()
            : null;
        if (_model is null && _options.Chats > 0)
        {
            Note("no LLM in the mesh (the entry's /api/tags lists no model): chats not measured");
        }
    }

    private void Note(string note)
    {
        lock (_notes)
        {
            _notes.Add(note);
        }

        _out.WriteLine($"meshmind eval: {note}");
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static double Since(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;

    private static string ProbeName() => $"meshmind-eval-probe-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.bin";
}

internal sealed partial class EvalRunner
{
    /// <summary>One line: the phase and, per path, successes out of requests.</summary>
    public string Status(bool idle)
    {
        var counts = _operations.GroupBy(o => o.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count(o => o.Ok)}/{g.Count()}");
        return (idle ? "idle (counters only)" : "load") + (idle ? "" : ": " + string.Join(", ", counts));
    }
}
