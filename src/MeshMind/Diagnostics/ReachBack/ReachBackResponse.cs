namespace MeshMind.Diagnostics.ReachBack;

/// <summary>A peer's answer to <c>POST /mesh/reach-back</c>: who dialled, and each dial's result.</summary>
internal sealed record ReachBackResponse(string NodeId, string Name, IReadOnlyList<ReachBackResult> Results);
