namespace MeshMind.Mesh.Transport;

/// <summary>Endpoint metadata: a connection opened with a valid invite's token (instead of a secret) may call this, and nothing else.</summary>
internal sealed class AllowInvitedPeer
{
    public static readonly AllowInvitedPeer Instance = new();

    private AllowInvitedPeer()
    {
    }
}
