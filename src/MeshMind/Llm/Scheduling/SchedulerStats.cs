namespace MeshMind.Llm.Scheduling;

/// <summary>Every host's <see cref="HostModelStats"/> by node id and model, and each model's usual answer length.</summary>
internal sealed class SchedulerStats
{
    private const double Smoothing = 0.2;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string NodeId, string Model), HostModelStats> _hosts = [];
    private readonly Dictionary<string, double> _outputTokens = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Folds a finished answer's statistics in; <paramref name="concurrency"/> is how many streams that host had from this node with it.</summary>
    public void Observe(string nodeId, string model, LlmResult result, int concurrency, DateTimeOffset now)
    {
        var key = ModelNames.Normalize(model);
        lock (_lock)
        {
            if (!_hosts.TryGetValue((nodeId, key), out var stats))
            {
                _hosts[(nodeId, key)] = stats = new HostModelStats();
            }

            stats.Observe(result, concurrency, now);
            if (result.EvalCount > 0)
            {
                _outputTokens[key] = _outputTokens.TryGetValue(key, out var average) ? average + (Smoothing * (result.EvalCount - average)) : result.EvalCount;
            }
        }
    }

    /// <summary>Runs <paramref name="read"/> on the host's record (empty if never measured) under the lock.</summary>
    public T Read<T>(string nodeId, string model, Func<HostModelStats, T> read)
    {
        lock (_lock)
        {
            return read(_hosts.TryGetValue((nodeId, ModelNames.Normalize(model)), out var stats) ? stats : s_empty);
        }
    }

    /// <summary>The usual number of tokens in an answer of <paramref name="model"/>, if any was measured.</summary>
    public double? OutputTokens(string model)
    {
        lock (_lock)
        {
            return _outputTokens.TryGetValue(ModelNames.Normalize(model), out var average) ? average : null;
        }
    }

    private static readonly HostModelStats s_empty = new();
}
