using MeshMind.Mesh.Peers;

namespace MeshMind.Llm.Models;

/// <summary>A copy that can start: the peer that has the model, and its manifest (the bytes as they are, and what they list).</summary>
internal sealed record ModelCopyPlan(PeerInfo From, OllamaModelName Name, byte[] ManifestBytes, OllamaManifest Manifest);
