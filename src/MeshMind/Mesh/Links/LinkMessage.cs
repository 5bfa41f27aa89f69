using System.Text.Json.Serialization;

namespace MeshMind.Mesh.Links;

/// <summary>
/// A message on a peer link: JSON with a <c>type</c> discriminator, at most <see cref="LinkCodec.MaxMessageBytes"/>.
/// Later features add their own message types (conversation_file, file_announce, ...) here.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(HelloMessage), "hello")]
[JsonDerivedType(typeof(CapabilityMessage), "capability")]
[JsonDerivedType(typeof(PingMessage), "ping")]
[JsonDerivedType(typeof(PongMessage), "pong")]
[JsonDerivedType(typeof(PeerExchangeMessage), "peer_exchange")]
public abstract record LinkMessage;

public sealed record HelloMessage(string NodeId, string InstanceId, string Name, string Version, int HttpPort, int MeshPort) : LinkMessage;

/// <summary>What a node can serve. Filled in by the LLM feature; until then a node announces no LLM.</summary>
public sealed record CapabilityMessage(bool HasLlm, IReadOnlyList<string> Models, int InFlight, int MaxParallel) : LinkMessage;

public sealed record PingMessage(long Id) : LinkMessage;

public sealed record PongMessage(long Id) : LinkMessage;

/// <summary>Peers this node is linked to, so nodes on other subnets can find each other through one static peer.</summary>
public sealed record PeerExchangeMessage(IReadOnlyList<ExchangedPeer> Peers) : LinkMessage;

public sealed record ExchangedPeer(string NodeId, IReadOnlyList<string> Addresses, int MeshPort);
