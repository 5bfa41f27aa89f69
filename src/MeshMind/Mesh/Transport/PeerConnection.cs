namespace MeshMind.Mesh.Transport;

/// <summary>On a request that passed <see cref="PeerAdmission"/>: the admitted peer that sent it.</summary>
internal sealed record PeerConnection(string NodeId);

internal static class PeerConnectionExtensions
{
    /// <summary>The admitted peer that sent this mesh-port request.</summary>
    public static string PeerNodeId(this HttpContext context) =>
        context.Features.Get<PeerConnection>()?.NodeId ?? throw new InvalidOperationException("not a request from an admitted peer");
}
