using MeshMind.Mesh.Links;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// <c>secret_rotate</c>: a peer rotated the mesh secret. <see cref="Secret"/> is the new one; it became current at <see cref="Since"/>
/// and the ones before it stop being accepted at <see cref="DropAt"/> (both Unix milliseconds). It travels only over links, which
/// are mutual TLS between admitted nodes.
/// </summary>
internal sealed record SecretRotationMessage(string Secret, long Since, long DropAt) : LinkMessage;
