namespace MeshMind.Overview;

/// <summary><c>GET /api/status</c>.</summary>
internal sealed record StatusResponse(bool IsLlmHost, int PeerCount, string NodeId, string Name, string Version, long UptimeS, bool DuplicateNodeId);
