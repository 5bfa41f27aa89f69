namespace MeshMind.Mesh.Links;

/// <summary>
/// A message on a peer link: JSON with a <c>type</c> discriminator, at most <see cref="LinkCodec.MaxMessageBytes"/>. The link
/// layer owns <c>hello</c>, <c>ping</c>, <c>pong</c> and <c>peer_exchange</c>; every other type is declared by the feature
/// that owns it and registered with <see cref="MeshParticipantServiceCollectionExtensions.AddMeshParticipant{T}"/>.
/// </summary>
internal abstract record LinkMessage;

internal sealed record HelloMessage(string NodeId, string InstanceId, string Name, string Version, int HttpPort, int MeshPort) : LinkMessage;

/// <summary>A ping; the side that dialled the link sends them, with the round trip it measured last (so the other side shows it too).</summary>
internal sealed record PingMessage(long Id, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? RttMs = null) : LinkMessage;

internal sealed record PongMessage(long Id) : LinkMessage;

/// <summary>
/// Peers this node is linked to, so nodes on other subnets can find each other through one static peer: the whole list,
/// sent once to a peer when its link comes up.
/// </summary>
internal sealed record PeerExchangeMessage(IReadOnlyList<ExchangedPeer> Peers) : LinkMessage;

/// <summary>
/// What changed in this node's links since it sent its list (<see cref="PeerExchangeMessage"/>): a peer linked (with how to
/// reach it) or a link gone. Sent to the other peers when one link changes, instead of the whole list to all (issue 20: at
/// 50 nodes, each link change sent 49 lists of up to 49 peers, ~7 KB each, to be parsed by every node).
/// </summary>
internal sealed record PeerChangesMessage(IReadOnlyList<ExchangedPeer> Added, IReadOnlyList<string> Removed) : LinkMessage;

internal sealed record ExchangedPeer(string NodeId, IReadOnlyList<string> Addresses, int MeshPort);
