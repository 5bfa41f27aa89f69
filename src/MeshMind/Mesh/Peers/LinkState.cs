namespace MeshMind.Mesh.Peers;

/// <summary>The state of the control link to a peer, as the API reports it.</summary>
internal enum LinkState
{
    Down,
    Connecting,
    Up,
}
