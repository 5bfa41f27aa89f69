using System.Net;

namespace MeshMind.Discovery;

/// <summary>
/// What this node heard from one address on the discovery port since start: announcements accepted, datagrams refused by
/// reason, and (when a datagram said so) the name and node id it claims; <see cref="NameVerified"/> when an accepted,
/// authentic announcement said it. <see cref="ClockSkewMs"/>: how far the sender's clock was from this node's in its last
/// authentic but stale announcement (positive: the sender is behind).
/// </summary>
internal sealed record DiscoverySender(
    IPAddress Address,
    string? Name,
    bool NameVerified,
    long Accepted,
    IReadOnlyDictionary<DropReason, long> Refused,
    long? ClockSkewMs,
    DateTimeOffset FirstHeard,
    DateTimeOffset? LastAccepted,
    DateTimeOffset? LastRefused);
