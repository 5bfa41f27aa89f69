using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using MeshMind.Auth;
using MeshMind.Infrastructure;
using MeshMind.Node;
using MeshMind.Web;
using Microsoft.Extensions.Options;

namespace MeshMind.Evaluation;

/// <summary>
/// The Evaluate screen's runs (issue 18, point 5): <c>meshmind-lab eval</c> started as a child process against this node's own HTTP
/// port, one at a time, with an API key made for the run and deleted after it.
/// </summary>
/// <remarks>
/// The key goes to the child in an environment variable (<c>MESHMIND_EVAL_KEY</c>), not on its command line, which every account on
/// the machine can read. The child is stopped by closing its standard input (<c>--progress-json</c>): eval then writes its partial
/// report, and a node that dies closes that pipe too, so a run never outlives its node. Runs are kept in memory (the last
/// <see cref="KeptRuns"/>); their folders under <c>DATA/evaluations/</c> likewise.
/// </remarks>
internal sealed partial class Evaluations(
    LabProgram lab, ApiKeyStore keys, DataDirectory data, BoundEndpoints endpoints, IOptions<HttpOptions> http, TimeProvider time,
    ILogger<Evaluations> logger) : IHostedService, IDisposable
{
    public const int MinSeconds = 10;
    public const int MaxSeconds = 300;
    public const int DefaultSeconds = 30;
    public const int KeptRuns = 10;

    /// <summary>The name of each run's API key; a key left by a node that died during a run is deleted at the next run.</summary>
    public const string KeyNamePrefix = "meshmind-eval ";

    /// <summary>How long eval may take beyond its idle and load phases (checking nodes, uploading probes, the report) before it is stopped.</summary>
    private static readonly TimeSpan s_overrun = TimeSpan.FromMinutes(2);

    /// <summary>How long a child asked to stop may take to write its partial report before it is killed.</summary>
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(15);

    private const int MaxLine = 8192;

    private readonly Lock _gate = new();
    private readonly List<EvaluationRun> _runs = [];
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    public string Folder => data.PathOf("evaluations");

    public IReadOnlyList<EvaluationRun> List()
    {
        lock (_gate)
        {
            return [.. _runs.AsEnumerable().Reverse()];
        }
    }

    public EvaluationRun? Find(string id)
    {
        lock (_gate)
        {
            return _runs.FirstOrDefault(r => r.Id == id);
        }
    }

    /// <summary>Starts a run; a 409 while one runs, a 503 when meshmind-lab is missing or cannot start.</summary>
    public async Task<(EvaluationRun? Run, int Status, string? Error)> StartAsync(int seconds, CancellationToken cancellationToken)
    {
        if (lab.Find() is not { } program)
        {
            return (null, StatusCodes.Status503ServiceUnavailable, lab.Missing("the evaluation cannot run"));
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var run = new EvaluationRun(id, seconds, Path.Combine(Folder, id), time.GetUtcNow());
        lock (_gate)
        {
            if (_runs.FirstOrDefault(r => r.IsRunning) is { } running)
            {
                return (null, StatusCodes.Status409Conflict, $"an evaluation is already running ({running.Id}); wait for it to end or cancel it");
            }

            _runs.Add(run);
            if (_runs.Count > KeptRuns)
            {
                // Never the running one: only one runs at a time, and this one is the newest.
                _runs[0].Dispose();
                _runs.RemoveAt(0);
            }
        }

        ApiKey? key = null;
        try
        {
            await RemoveLeftoverKeysAsync(cancellationToken);
            var (created, secret) = await keys.CreateAsync(KeyNamePrefix + id, cancellationToken);
            key = created;
            SecureFile.CreateOwnerOnlyDirectory(run.Directory);
            PruneFolders();
            var process = Start(program, run, secret);
            LogStarted(logger, id, seconds, process.Id);
            run.Completion = WatchAsync(run, process, created.Id);
            return (run, StatusCodes.Status202Accepted, null);
        }
        catch (Exception ex) when (ex is Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException or OperationCanceledException)
        {
            if (key is not null)
            {
                await keys.DeleteAsync(key.Id, CancellationToken.None);
            }

            var message = ex is OperationCanceledException ? "the request was cancelled" : $"{LabProgram.Name} could not start: {ex.Message}";
            run.End("failed", message, time.GetUtcNow());
            LogFailedToStart(logger, id, ex.Message);
            return (null, StatusCodes.Status503ServiceUnavailable, message);
        }
    }

    private Process Start(string program, EvaluationRun run, string secret)
    {
        var info = LabProgram.StartInfo(program);
        foreach (var argument in new[]
        {
            "eval", "--node", OwnUrl(), "--duration", run.DurationSeconds.ToString(CultureInfo.InvariantCulture) + "s", "--out", run.Directory, "--progress-json",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["MESHMIND_EVAL_KEY"] = secret;
        // The node's own secrets are of no use to eval.
        info.Environment.Remove("NODE_PASSWORD");
        info.Environment.Remove("P2P_HMAC_SECRET");
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = run.Directory;
        return Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
    }

    /// <summary>This node's HTTP port as eval reaches it from this machine: loopback unless the port is bound to one address only.</summary>
    private string OwnUrl()
    {
        var host = IPAddress.TryParse(http.Value.BindAddress, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? address.ToString()
            : "127.0.0.1";
        return new UriBuilder(Uri.UriSchemeHttp, host, endpoints.HttpPort).Uri.ToString().TrimEnd('/');
    }

    /// <summary>Reads the child's progress until it exits, stops it when asked or when it overruns, and deletes its key.</summary>
    private async Task WatchAsync(EvaluationRun run, Process process, string keyId)
    {
        // Off the request's thread: the caller has its answer before the child's first line.
        await Task.Yield();
        var errors = new Queue<string>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(run.Cancelled, _stopping.Token);
        limit.CancelAfter(TimeSpan.FromSeconds(run.DurationSeconds + 10) + s_overrun);
        var state = "failed";
        string? error = null;
        try
        {
            var output = ReadOutputAsync(run, process.StandardOutput);
            var stderr = ReadErrorsAsync(process.StandardError, errors);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                // Closing eval's standard input stops it with a partial report; one that does not stop in time is killed.
                process.StandardInput.Close();
                using var grace = new CancellationTokenSource(s_stopGrace);
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }

            await Task.WhenAll(output, stderr);
            var hasReport = File.Exists(run.ReportPath);
            (state, error) = process.ExitCode == 0 && hasReport ? ("completed", null)
                : run.Cancelled.IsCancellationRequested ? ("cancelled", null)
                : _stopping.IsCancellationRequested ? ("cancelled", "the node stopped during the evaluation")
                : limit.IsCancellationRequested ? (hasReport ? "partial" : "failed", $"the evaluation took longer than {run.DurationSeconds + 10 + s_overrun.TotalSeconds:0} s and was stopped")
                : (hasReport ? "partial" : "failed", ErrorOf(errors, process.ExitCode));
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Win32Exception)
        {
            error = $"lost the evaluation's process: {ex.Message}";
        }
        finally
        {
            process.Dispose();
            try
            {
                await keys.DeleteAsync(keyId, CancellationToken.None);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or ObjectDisposedException)
            {
                // The next run deletes it (RemoveLeftoverKeysAsync).
                LogKeyNotDeleted(logger, run.Id, ex.Message);
            }

            run.End(state, error, time.GetUtcNow());
            LogEnded(logger, run.Id, state, error ?? "");
        }
    }

    private static async Task ReadOutputAsync(EvaluationRun run, StreamReader output)
    {
        while (await output.ReadLineAsync() is { } line)
        {
            if (line.Length > MaxLine || !line.StartsWith("{\"progress\"", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize(line, EvaluationJsonContext.Default.EvaluationProgressLine)?.Progress is { } progress)
                {
                    run.Report(progress);
                }
            }
            catch (JsonException)
            {
                // A line eval did not mean as progress.
            }
        }
    }

    private static async Task ReadErrorsAsync(StreamReader error, Queue<string> lines)
    {
        while (await error.ReadLineAsync() is { } line)
        {
            lock (lines)
            {
                lines.Enqueue(line.Length > 500 ? line[..500] + "…" : line);
                if (lines.Count > 5)
                {
                    lines.Dequeue();
                }
            }
        }
    }

    /// <summary>eval's own last words on standard error ("meshmind eval: the node at … did not accept the API key"), without its prefix.</summary>
    private static string ErrorOf(Queue<string> errors, int exitCode)
    {
        lock (errors)
        {
            var last = errors.LastOrDefault(l => l.Trim().Length > 0)?.Trim();
            return last is null
                ? $"{LabProgram.Name} eval ended with exit code {exitCode} and no message"
                : last.StartsWith("meshmind eval: ", StringComparison.Ordinal) ? last["meshmind eval: ".Length..] : last;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops a running child (it writes its partial report) and waits for it, so no evaluation outlives the node.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed))
        {
            // Stopped and disposed already (a host stopped twice): nothing runs.
            return;
        }

        await _stopping.CancelAsync();
        Task[] running;
        lock (_gate)
        {
            running = [.. _runs.Select(r => r.Completion)];
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _stopping.Dispose();
        lock (_gate)
        {
            _runs.ForEach(r => r.Dispose());
        }
    }

    /// <summary>Keys of runs that never finished (the node died during them).</summary>
    private async Task RemoveLeftoverKeysAsync(CancellationToken cancellationToken)
    {
        foreach (var key in await keys.ListAsync(cancellationToken))
        {
            if (key.Name.StartsWith(KeyNamePrefix, StringComparison.Ordinal))
            {
                await keys.DeleteAsync(key.Id, cancellationToken);
            }
        }
    }

    /// <summary>Keeps the folders of the last <see cref="KeptRuns"/> runs.</summary>
    private void PruneFolders()
    {
        var folders = new DirectoryInfo(Folder).GetDirectories().OrderByDescending(d => d.CreationTimeUtc).Skip(KeptRuns);
        foreach (var folder in folders)
        {
            lock (_gate)
            {
                if (_runs.Any(r => r.Id == folder.Name))
                {
                    continue;
                }
            }

            folder.Delete(recursive: true);
        }
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Evaluation {Id} started ({Seconds} s of load, process {ProcessId})")]
    private static partial void LogStarted(ILogger logger, string id, int seconds, int processId);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Evaluation {Id} ended: {State} {Error}")]
    private static partial void LogEnded(ILogger logger, string id, string state, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Evaluation {Id} could not start: {Reason}")]
    private static partial void LogFailedToStart(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The API key of evaluation {Id} was not deleted ({Reason}); the next evaluation deletes it")]
    private static partial void LogKeyNotDeleted(ILogger logger, string id, string reason);
}
