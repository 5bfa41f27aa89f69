using MeshMind.Mesh.Transport;

namespace MeshMind.Llm;

/// <summary>Who asks for a chat, and whom to tell its place while it waits for a host (<c>meshmind</c> routing).</summary>
/// <param name="Client">The person or API key (signed-in name): when chats wait, clients take turns.</param>
/// <param name="Queued">Told the chat's place in line (1 = next) each time it changes while it waits.</param>
/// <param name="Peer">The admitted peer that sent the request over the mesh, if it came that way: this node's LLM counts the
/// requests it serves for each peer and reports them in its capability (<see cref="Peers.CapabilityMessage.Serving"/>).</param>
internal sealed record RequestOrigin(string Client, Action<int>? Queued = null, string? Peer = null)
{
    /// <summary>The client of requests that name none.</summary>
    public const string Anonymous = "";

    /// <summary>
    /// The signed-in name of <paramref name="context"/>'s caller (empty when there is none); on the mesh port, the peer that
    /// sent it.
    /// </summary>
    public static RequestOrigin Of(HttpContext context, Action<int>? queued = null) =>
        context.Features.Get<PeerConnection>()?.NodeId is { } peer
            ? new($"peer:{peer}", queued, peer)
            : new(context.User.Identity?.Name ?? Anonymous, queued);
}
