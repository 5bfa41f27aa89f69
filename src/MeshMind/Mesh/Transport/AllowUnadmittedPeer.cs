namespace MeshMind.Mesh.Transport;

/// <summary>Endpoint metadata: a node may call this before it is admitted (it is how it gets admitted).</summary>
internal sealed class AllowUnadmittedPeer
{
    public static readonly AllowUnadmittedPeer Instance = new();

    private AllowUnadmittedPeer()
    {
    }
}
