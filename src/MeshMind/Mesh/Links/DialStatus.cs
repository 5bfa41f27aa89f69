namespace MeshMind.Mesh.Links;

/// <summary>
/// One peer this node tries to reach (by node id, or by address for a static peer not yet reached) and how dialling it went:
/// failures in a row, and the reason of the last one (null after a success).
/// </summary>
internal sealed record DialStatus(string? NodeId, string Host, int Port, bool Static, int Failures, string? LastError, DateTimeOffset? LastAttempt);
