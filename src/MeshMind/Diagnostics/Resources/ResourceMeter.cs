using System.Diagnostics;
using MeshMind.Infrastructure;
using MeshMind.Node;

namespace MeshMind.Diagnostics.Resources;

/// <summary>Reads this node's process figures on demand: nothing runs in the background, so an idle node pays nothing for them.</summary>
internal sealed class ResourceMeter(NodeInfo node, TrafficMetrics traffic, TimeProvider time)
{
    /// <summary>The shortest window a CPU share is computed over; asked more often, the share of the last window is given again.</summary>
    public static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private (long Timestamp, double CpuSeconds)? _windowStart;
    private double _lastPercent;

    /// <summary>The process's CPU time so far, in seconds (tests give their own).</summary>
    internal Func<double> CpuSeconds { get; init; } = () => Environment.CpuUsage.TotalTime.TotalSeconds;

    public NodeResources Read()
    {
        var cpu = CpuSeconds();
        int threads;
        using (var process = Process.GetCurrentProcess())
        {
            threads = process.Threads.Count;
        }

        return new NodeResources(node.NodeId, node.Name, NodeInfo.Version, Math.Round(node.Uptime.TotalSeconds, 3), Math.Round(cpu, 3),
            Math.Round(CpuPercent(cpu), 2), Environment.ProcessorCount, Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: false), threads,
            traffic.Totals());
    }

    /// <summary>The share of one core (100 = one core busy) since the window began, or since the node started for the first read.</summary>
    private double CpuPercent(double cpuSeconds)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_windowStart is not { } start)
            {
                _windowStart = (now, cpuSeconds);
                var uptime = node.Uptime.TotalSeconds;
                _lastPercent = uptime > 0 ? Math.Max(0, cpuSeconds / uptime * 100) : 0;
                return _lastPercent;
            }

            var elapsed = time.GetElapsedTime(start.Timestamp, now);
            if (elapsed >= MinimumWindow)
            {
                _lastPercent = Math.Max(0, (cpuSeconds - start.CpuSeconds) / elapsed.TotalSeconds * 100);
                _windowStart = (now, cpuSeconds);
            }

            return _lastPercent;
        }
    }
}
