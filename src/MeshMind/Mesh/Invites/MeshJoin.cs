using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Peers;
using MeshMind.Node;

namespace MeshMind.Mesh.Invites;

/// <summary>
/// A running node joins the mesh an invite code comes from (<c>POST /api/mesh/join</c>): it redeems the invite, makes the mesh's
/// secret its only one (links to its old mesh close), pins the inviting node and dials it as a static peer, without a restart.
/// </summary>
internal sealed partial class MeshJoin(
    InviteRedeemer redeemer, MeshKeys keys, SecretRotation secrets, PeerStore pins, PeerDirectory peers, StaticPeers staticPeers,
    NodeInfo node, ILogger<MeshJoin> logger)
{
    /// <exception cref="InviteCodeException">The text is not a usable code (nothing was sent anywhere).</exception>
    /// <exception cref="SecretNotWritableException">This node's secret is configured where it does not write (nothing was sent).</exception>
    /// <exception cref="InviteFailedException">The invite could not be redeemed.</exception>
    public async Task<JoinMeshResponse> JoinAsync(string text, CancellationToken cancellationToken)
    {
        var code = InviteCode.Parse(text);
        if (keys.SecretFile is null)
        {
            // Checked before the invite is used up: the joined secret would be lost at the next start.
            throw new SecretNotWritableException(keys.NotWritableReason!);
        }

        var invite = await redeemer.RedeemAsync(code, node.Name, cancellationToken);
        await secrets.ReplaceAsync(invite.Secret, invite.SecretSince, cancellationToken);
        await pins.AdmitAsync(invite.NodeId, invite.Name, invite.Endpoint.Address.ToString(), cancellationToken);
        peers.LoadAdmitted([invite.NodeId]);
        var peer = new PeerAddress(invite.Endpoint.Address.ToString(), invite.Endpoint.Port);
        await staticPeers.AddJoinedAsync(peer, invite.NodeId, cancellationToken);
        var address = peer.ToString();
        LogJoined(invite.Name, invite.NodeId[..12], address);
        return new JoinMeshResponse(invite.NodeId, invite.Name, address);
    }

    [LoggerMessage(EventId = 453, Level = LogLevel.Information, Message = "Joined the mesh of '{Name}' ({NodeId}) by invite; dialling it at {Address}")]
    private partial void LogJoined(string name, string nodeId, string address);
}
