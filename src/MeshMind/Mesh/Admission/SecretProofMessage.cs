using MeshMind.Mesh.Links;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// <c>secret_proof</c>: the sender holds a secret, proven with <see cref="JoinProof.LinkSecret"/> (hex) rather than shown. Sent when a
/// link comes up and when the sender's current secret changes; with <see cref="Reply"/> the receiver answers with its own proof
/// of the same secret, if it holds it.
/// </summary>
internal sealed record SecretProofMessage(string Proof, bool Reply) : LinkMessage;
