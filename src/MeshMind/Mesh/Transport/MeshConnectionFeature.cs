using System.Net;
using Microsoft.AspNetCore.Connections;
using MeshMind.Mesh.Admission;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// Set on every connection to the mesh port: marks requests as peer traffic (never served by the people-facing
/// pipeline) and tracks whether the connection has proven admission yet: a secret in force, proven when it opened
/// (<see cref="ConnectionProofMiddleware"/>), and then an admitted certificate for every peer endpoint (<see cref="PeerAdmission"/>);
/// or, instead of a secret, a valid invite's token, which admits it to the invite's redemption alone.
/// </summary>
internal sealed class MeshConnectionFeature(MeshConnectionGate gate, ConnectionContext connection, IPAddress remote, long opened)
{
    private int _secretProven;
    private long _checkedGeneration = -1;
    private bool _inForce;

    public IPAddress Remote { get; } = remote;

    /// <summary>Whether the client proved, when this connection opened, that it holds a secret this node accepts.</summary>
    public bool SecretProven => Volatile.Read(ref _secretProven) == 1;

    /// <summary>When the connection was accepted (<see cref="TimeProvider.GetTimestamp"/>): the oldest gives way first.</summary>
    internal long Opened { get; } = opened;

    internal ConnectionContext Connection { get; } = connection;

    /// <summary>Its place among the connections that have not proven admission; owned by <see cref="UnadmittedConnections"/>.</summary>
    internal LinkedListNode<MeshConnectionFeature>? Pending { get; set; }

    /// <summary>The client's opening proof and certificate hash, to check again after the accepted secrets change.</summary>
    public (ConnectionHello Hello, string ClientNodeId)? Proof { get; private set; }

    /// <summary>The hash of the invite token the client opened with (it may redeem that invite and do nothing else), or null.</summary>
    public string? InviteTokenHash { get; private set; }

    /// <summary>Called once the client has proven a secret in force: it may go on to HTTP, and no longer counts as unauthenticated.</summary>
    public void MarkSecretProven(ConnectionHello hello, string clientNodeId)
    {
        Proof = (hello, clientNodeId);
        Volatile.Write(ref _secretProven, 1);
        MarkAuthenticated();
    }

    /// <summary>
    /// Called when the client opened with a valid invite's token: a single-use secret of 128 bits or more that only the invited
    /// device holds, so the connection leaves the gate's unauthenticated ones (their deadline cut a redemption short on a
    /// loaded machine, after the invite may already have been spent). <see cref="PeerAdmission"/> lets it reach the
    /// redemption endpoint only.
    /// </summary>
    public void MarkInvited(string tokenHash)
    {
        InviteTokenHash = tokenHash;
        MarkAuthenticated();
    }

    /// <summary>Called once the connection's client certificate belongs to an admitted peer.</summary>
    public void MarkAuthenticated() => gate.Admitted(this);

    /// <summary>
    /// Whether the opening proof still proves a secret in force: <paramref name="check"/> runs again only when the accepted set has
    /// changed since the last time (<paramref name="generation"/>, <see cref="MeshKeys.Generation"/>).
    /// </summary>
    public bool InForce(long generation, Func<bool> check)
    {
        if (Volatile.Read(ref _checkedGeneration) != generation)
        {
            _inForce = check();
            Volatile.Write(ref _checkedGeneration, generation);
        }

        return _inForce;
    }
}
