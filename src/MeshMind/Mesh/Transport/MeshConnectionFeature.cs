using System.Net;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// Set on every connection to the mesh port: marks requests as peer traffic (never served by the people-facing
/// pipeline) and tracks whether the connection has proven admission yet.
/// </summary>
internal sealed class MeshConnectionFeature(MeshConnectionGate gate, IPAddress remote)
{
    private int _authenticated;

    public IPAddress Remote { get; } = remote;

    public bool Authenticated => Volatile.Read(ref _authenticated) == 1;

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
