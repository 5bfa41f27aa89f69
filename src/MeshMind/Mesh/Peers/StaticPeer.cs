namespace MeshMind.Mesh.Peers;

/// <summary>A peer this node dials by address: <see cref="Configured"/> ones come from <c>--peer</c> / <c>Mesh:Peers</c>, the others were added in the UI or API (and are saved in the database).</summary>
internal sealed record StaticPeer(PeerAddress Address, bool Configured);
