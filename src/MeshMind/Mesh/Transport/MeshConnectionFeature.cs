using System.Net;
using Microsoft.AspNetCore.Connections;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// Set on every connection to the mesh port: marks requests as peer traffic (never served by the people-facing
/// pipeline) and tracks whether the connection has proven admission yet: a secret in force, proven when it opened
/// (<see cref="ConnectionProofMiddleware"/>), and then an admitted certificate for every peer endpoint (<see cref="PeerAdmission"/>).
/// </summary>
internal sealed class MeshConnectionFeature(MeshConnectionGate gate, ConnectionContext connection, IPAddress remote, long opened)
{
    private int _secretProven;

    public IPAddress Remote { get; } = remote;

    /// <summary>Whether the client proved, when this connection opened, that it holds a secret this node accepts.</summary>
    public bool SecretProven => Volatile.Read(ref _secretProven) == 1;

    /// <summary>When the connection was accepted (<see cref="TimeProvider.GetTimestamp"/>): the oldest gives way first.</summary>
    internal long Opened { get; } = opened;

    internal ConnectionContext Connection { get; } = connection;

    /// <summary>Its place among the connections that have not proven admission; owned by <see cref="UnadmittedConnections"/>.</summary>
    internal LinkedListNode<MeshConnectionFeature>? Pending { get; set; }

    /// <summary>Called once the client has proven a secret in force: it may go on to HTTP, and no longer counts as unauthenticated.</summary>
    public void MarkSecretProven()
    {
        Volatile.Write(ref _secretProven, 1);
        MarkAuthenticated();
    }

    /// <summary>Called once the connection's client certificate belongs to an admitted peer.</summary>
    public void MarkAuthenticated() => gate.Admitted(this);
}
