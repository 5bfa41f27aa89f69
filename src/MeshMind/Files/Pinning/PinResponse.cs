namespace MeshMind.Files.Pinning;

/// <summary>
/// The answer to <c>POST</c>/<c>DELETE /api/files/{filename}/pin</c>: which live peers now hold a verified replica,
/// which declined (and why), and which had not answered within <see cref="Replication.PinWait"/>.
/// </summary>
internal sealed record PinResponse(
    string Name, string Sha256, bool Pinned, int Peers, IReadOnlyList<string> Accepted, IReadOnlyList<PinDecline> Declined, IReadOnlyList<string> Pending);

internal sealed record PinDecline(string NodeId, string Reason);
