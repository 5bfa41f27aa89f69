namespace MeshMind.Evaluation;

/// <summary>One run of <c>meshmind-lab eval</c> started from this node: its state as the child process reports it.</summary>
internal sealed class EvaluationRun(string id, int durationSeconds, string directory, DateTimeOffset startedAt) : IDisposable
{
    public const string ReportFile = "report.html";
    public const string ResultsFile = "results.json";

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancel = new();
    private string _state = "running";
    private string _phase = "starting";
    private double _elapsed;
    private double _total;
    private string? _status;
    private string? _error;
    private DateTimeOffset? _endedAt;

    public string Id => id;

    /// <summary>Where eval writes its report (a folder of its own under the data directory).</summary>
    public string Directory => directory;

    public int DurationSeconds => durationSeconds;

    /// <summary>Fires when someone cancels the run (or the node stops): the child is asked to stop.</summary>
    public CancellationToken Cancelled => _cancel.Token;

    /// <summary>The task that runs the child and cleans up after it; set once it started.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _state == "running";
            }
        }
    }

    public string ReportPath => Path.Combine(directory, ReportFile);

    public string ResultsPath => Path.Combine(directory, ResultsFile);

    public void Report(EvaluationProgress progress)
    {
        lock (_gate)
        {
            _phase = progress.Phase is { Length: > 0 and <= 32 } phase ? phase : _phase;
            _elapsed = progress.ElapsedS;
            _total = progress.TotalS;
            _status = progress.Status is { Length: <= 500 } status ? status : _status;
        }
    }

    /// <summary>Asks the run to stop; it ends as <c>cancelled</c> (with eval's partial report when it wrote one).</summary>
    public void Cancel()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A run long over, dropped from the list meanwhile.
        }
    }

    public void Dispose() => _cancel.Dispose();

    public void End(string state, string? error, DateTimeOffset at)
    {
        lock (_gate)
        {
            _state = state;
            _error = error;
            _phase = "done";
            _endedAt = at;
            if (state == "completed")
            {
                _elapsed = _total;
            }
        }
    }

    public EvaluationResponse Describe()
    {
        lock (_gate)
        {
            return new EvaluationResponse(id, _state, durationSeconds, startedAt, _endedAt, _phase, _elapsed, _total, _status, _error,
                _state != "running" && File.Exists(ReportPath));
        }
    }
}
