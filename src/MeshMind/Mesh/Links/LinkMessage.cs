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
[JsonDerivedType(typeof(LlmAccessRequestMessage), "llm_access_request")]
[JsonDerivedType(typeof(LlmAccessResponseMessage), "llm_access_response")]
[JsonDerivedType(typeof(ConversationFileMessage), "conversation_file")]
[JsonDerivedType(typeof(ConversationDeltaMessage), "conversation_delta")]
[JsonDerivedType(typeof(FileAnnounceMessage), "file_announce")]
[JsonDerivedType(typeof(FileRemovedMessage), "file_removed")]
[JsonDerivedType(typeof(FilePinMessage), "file_pin")]
[JsonDerivedType(typeof(FilePinResultMessage), "file_pin_result")]
[JsonDerivedType(typeof(FileUnpinMessage), "file_unpin")]
public abstract record LinkMessage;

public sealed record HelloMessage(string NodeId, string InstanceId, string Name, string Version, int HttpPort, int MeshPort) : LinkMessage;

/// <summary>
/// What a node's LLM can serve right now (seed <c>LLMCapability</c>); sent on link-up and whenever it changes.
/// <c>probe_late</c>: the host's last probe of its LLM was late or failed (see <c>LlmCapability.ProbeLate</c>); older peers omit it.
/// </summary>
public sealed record CapabilityMessage(
    bool HasLlm, IReadOnlyList<Llm.ModelInfo> Models, int InFlight, int MaxParallel, double? TtftMs, double? TokensPerS, bool ProbeLate = false) : LinkMessage;

/// <summary>Asks a peer that announced an LLM whether it will serve this node (seed <c>LLMAccessRequest</c>).</summary>
public sealed record LlmAccessRequestMessage : LinkMessage;

/// <summary>The answer: granted or not, and the mesh port its Ollama contract is served on (seed <c>LLMAccessResponse</c>).</summary>
public sealed record LlmAccessResponseMessage(bool Granted, int MeshPort) : LinkMessage;

/// <summary>A node's whole shareable history (seed <c>ConversationFile</c>), sent when a link comes up.</summary>
public sealed record ConversationFileMessage(string Name, string Content) : LinkMessage;

/// <summary>Exchanges saved since the last file or delta.</summary>
public sealed record ConversationDeltaMessage(IReadOnlyList<Conversations.Exchange> Messages) : LinkMessage;

public sealed record PingMessage(long Id) : LinkMessage;

public sealed record PongMessage(long Id) : LinkMessage;

/// <summary>Peers this node is linked to, so nodes on other subnets can find each other through one static peer.</summary>
public sealed record PeerExchangeMessage(IReadOnlyList<ExchangedPeer> Peers) : LinkMessage;

public sealed record ExchangedPeer(string NodeId, IReadOnlyList<string> Addresses, int MeshPort);

/// <summary>Files a node has (all of them on link-up, then each new one), so peers list them without polling.</summary>
public sealed record FileAnnounceMessage(IReadOnlyList<Files.AnnouncedFile> Files) : LinkMessage;

/// <summary>A file the node no longer has: its own, or (with <paramref name="Origin"/>) its replica of that node's file.</summary>
public sealed record FileRemovedMessage(string Name, string? Origin = null) : LinkMessage;

/// <summary>
/// The sender pinned these files of its own: the receiver, if it has room under <c>Files:ReplicaQuotaBytes</c>, pulls each
/// from the sender's <c>GET /mesh/files/{sha256}</c>, checks its SHA-256 and keeps it as a replica. Answered per file with
/// <see cref="FilePinResultMessage"/>. With <paramref name="Sync"/> (sent on link-up, after hello) the receiver also reads
/// the sender's whole list and brings its replicas of the sender's files in line: pins it missed, unpins it missed.
/// </summary>
public sealed record FilePinMessage(IReadOnlyList<Files.AnnouncedFile> Files, bool Sync = false) : LinkMessage;

/// <summary>Whether the receiver of a <see cref="FilePinMessage"/> now holds a verified replica of the file, or why not.</summary>
public sealed record FilePinResultMessage(string Id, string Name, bool Accepted, string? Reason = null) : LinkMessage;

/// <summary>The sender unpinned (or deleted) its file of this name: replicas of it are dropped.</summary>
public sealed record FileUnpinMessage(string Name) : LinkMessage;
