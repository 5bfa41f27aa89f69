using MeshMind.Mesh.Peers;

namespace MeshMind.Llm.Models;

/// <summary>
/// A copy that can start: the peer asked for (<see cref="From"/>), its manifest (the bytes as they are, and what they list), and
/// the other linked peers whose inventory lists the same manifest digest, which serve blocks too.
/// </summary>
internal sealed record ModelCopyPlan(PeerInfo From, OllamaModelName Name, byte[] ManifestBytes, OllamaManifest Manifest, IReadOnlyList<PeerInfo> OtherHolders);
