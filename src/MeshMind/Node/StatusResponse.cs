namespace MeshMind.Node;

public sealed record StatusResponse(bool IsLlmHost, int PeerCount, string NodeId, string Name, string Version, long UptimeS, bool DuplicateNodeId);

public sealed record HealthResponse(string Status);
