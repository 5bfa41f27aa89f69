namespace MeshMind.Diagnostics.Resources;

/// <summary>
/// What a node's own process uses now, as it reports it to people (<c>GET /api/resources</c>) and to admitted peers
/// (<c>GET /mesh/resources</c>): CPU (seconds since it started, and the share of one core over the last second or more),
/// memory, threads, and the bytes each of its network channels has carried (<c>"links.in"</c>, <c>"discovery.out"</c>, …).
/// </summary>
internal sealed record NodeResources(
    string NodeId,
    string Name,
    string Version,
    double UptimeSeconds,
    double CpuSeconds,
    double CpuPercent,
    int Cores,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    int Threads,
    IReadOnlyDictionary<string, long> NetworkBytes);

/// <summary><c>GET /api/resources</c>: this node first, then each linked peer that answered; peers that did not, by node id.</summary>
internal sealed record MeshResources(IReadOnlyList<NodeResources> Nodes, IReadOnlyList<string> Missing);
