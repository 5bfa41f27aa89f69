using MeshMind.Lab.Lab;

namespace MeshMind.Lab.Eval;

/// <summary>Latency of one path: HdrHistogram percentiles, in milliseconds, plus the sorted values for the report's CDF.</summary>
internal sealed record LatencyStats(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public IReadOnlyList<double> Cdf { get; init; } = [];
}

internal sealed record HostStats(string Host, int Chats, LatencyStats Ttft, LatencyStats Total, double TokensPerSecondMean);

internal sealed record LatencySection(IReadOnlyDictionary<string, LatencyStats> Paths, IReadOnlyList<HostStats> ChatHosts);

internal sealed record KindAvailability(int Ok, int Total, double SuccessRatio);

/// <summary>After a kill: the first failure of each path and when that path next succeeded (null: never failed, or never recovered in the run).</summary>
internal sealed record Recovery(long T, string Node, string Path, long? FirstFailureT, double? TimeToRecoveryMs, bool Recovered);

/// <summary>One second of the load phase: requests that started in it and how many succeeded; the hosts that answered chats.</summary>
internal sealed record SecondPoint(long T, int Ok, int Total, IReadOnlyList<string> Hosts);

internal sealed record AvailabilitySection(KindAvailability Overall, IReadOnlyDictionary<string, KindAvailability> Paths, IReadOnlyList<LabEvent> Events,
    IReadOnlyList<Recovery> Recoveries, IReadOnlyList<SecondPoint> Timeline);

/// <summary>Bytes per second of one node by channel ("discovery.in", …), idle and under load, from its own counters.</summary>
internal sealed record NodeBandwidth(string Node, IReadOnlyDictionary<string, double> IdleBytesPerSecond, IReadOnlyDictionary<string, double> LoadBytesPerSecond);

internal sealed record BandwidthPoint(long T, IReadOnlyDictionary<string, double> BytesPerSecond);

internal sealed record BandwidthSection(IReadOnlyList<NodeBandwidth> Nodes, double ProxyBytesPerSecond, IReadOnlyList<BandwidthPoint> Timeline);

internal sealed record NodeResources(string Node, double IdleCpuPercent, double LoadCpuPercent, double IdleMemoryMb, double LoadMemoryMb, double MaxMemoryMb);

internal sealed record ResourcePoint(long T, string Node, double? CpuPercent, double? MemoryMb);

internal sealed record ResourcesSection(IReadOnlyList<NodeResources> Nodes, IReadOnlyList<ResourcePoint> Timeline);

/// <summary>What eval counted and what the entry node's own counters say over the same load phase.</summary>
internal sealed record CounterCheck(string Name, double Eval, double Node, string Note);

internal sealed record EvalConfig(string Tool, string Runtime, string Os, int Cores, string Entry, IReadOnlyList<string> Nodes, string? Lab, bool Churn,
    double DurationSeconds, double IdleSeconds, int Chats, string? Model, long ProbeBytes, IReadOnlyList<string> NodeVersions);

/// <summary>results.json.</summary>
/// <remarks>T0Ms: the start of the idle phase, time zero of the report's figures.</remarks>
internal sealed record EvalResults(DateTimeOffset Started, long T0Ms, DateTimeOffset Ended, bool Complete, string? Failure, IReadOnlyList<string> Notes,
    EvalConfig Config, LatencySection Latency, AvailabilitySection Availability, BandwidthSection Bandwidth, ResourcesSection Resources,
    IReadOnlyList<CounterCheck> Counters);
