using System.Net;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// Set on every connection to the mesh port: marks requests as peer traffic (never served by the people-facing
/// pipeline) and tracks whether the connection has proven admission yet: a secret in force, proven when it opened
/// (<see cref="ConnectionProofMiddleware"/>), and then an admitted certificate for every peer endpoint (<see cref="PeerAdmission"/>).
/// </summary>
internal sealed class MeshConnectionFeature(MeshConnectionGate gate, IPAddress remote)
{
    private int _authenticated;
    private int _secretProven;

    public IPAddress Remote { get; } = remote;

    public bool Authenticated => Volatile.Read(ref _authenticated) == 1;

    /// <summary>Whether the client proved, when this connection opened, that it holds a secret this node accepts.</summary>
    public bool SecretProven => Volatile.Read(ref _secretProven) == 1;

    /// <summary>Called once the client has proven a secret in force: it may go on to HTTP, and no longer counts as unauthenticated.</summary>
    public void MarkSecretProven()
    {
        Volatile.Write(ref _secretProven, 1);
        MarkAuthenticated();
    }

    /// <summary>Called once the connection's client certificate belongs to an admitted peer.</summary>
    public void MarkAuthenticated()
    {
        if (Interlocked.Exchange(ref _authenticated, 1) == 0)
        {
            gate.Leave(Remote);
        }
    }

    internal void Closed()
    {
        if (Interlocked.Exchange(ref _authenticated, 1) == 0)
        {
            gate.Leave(Remote);
        }
    }
}
