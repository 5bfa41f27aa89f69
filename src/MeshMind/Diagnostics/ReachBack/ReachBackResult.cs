namespace MeshMind.Diagnostics.ReachBack;

/// <summary>One dial a peer made back to this node's mesh port: where, whether it got through (TLS with this node's certificate and the secret proof), how long it took, or why not.</summary>
internal sealed record ReachBackResult(string Address, int Port, bool Reached, string? Error, double? Ms);
