namespace MeshMind.Diagnostics.ReachBack;

/// <summary>What asking one linked peer to dial back came to: its dials, or why it could not run them (<see cref="Error"/>).</summary>
internal sealed record ReachBackReport(string PeerNodeId, string PeerName, IReadOnlyList<ReachBackResult> Results, string? Error);
