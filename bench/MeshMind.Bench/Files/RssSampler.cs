using System.Globalization;

namespace MeshMind.Bench.Files;

/// <summary>
/// Samples <c>VmRSS</c> of some processes from <c>/proc/PID/status</c> about every 50 ms while it runs; reports each
/// process's peak growth over its value at the start.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(50);

    private readonly int[] _processIds;
    private readonly long[] _start;
    private readonly long[] _peak;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RssSampler(int[] processIds)
    {
        _processIds = processIds;
        _start = [.. processIds.Select(id => ReadKb(id))];
        _peak = [.. _start];
        _loop = SampleAsync(_stop.Token);
    }

    public static RssSampler Start(params int[] processIds) => new(processIds);

    /// <summary>Each process's VmRSS when sampling started, kB.</summary>
    public IReadOnlyList<long> StartKb => _start;

    /// <summary>Each process's highest VmRSS sampled so far, kB.</summary>
    public IReadOnlyList<long> PeakKb => _peak;

    /// <summary>Stops sampling; the peak growth of each process in MB (10^6 bytes), in the order given.</summary>
    public async Task<double[]> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        return [.. _peak.Select((peak, i) => (peak - _start[i]) * 1024 / 1e6)];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        for (var i = 0; i < _processIds.Length; i++)
        {
            _peak[i] = Math.Max(_peak[i], ReadKb(_processIds[i]));
        }
    }

    /// <summary>VmRSS in kB, or another kB field of <c>/proc/PID/status</c> (<c>VmHWM</c>: the peak over the process's life).</summary>
    public static long ReadKb(int processId, string field = "VmRSS")
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal) && line.AsSpan(field.Length).StartsWith(":"))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no {field} for process {processId}");
    }
}
