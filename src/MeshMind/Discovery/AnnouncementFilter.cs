using System.Net;
using MeshMind.Mesh.Admission;

namespace MeshMind.Discovery;

/// <summary>
/// Decides, for each received datagram, whether it is an announcement worth handling: from loopback in loopback mode,
/// authentic and fresh (<see cref="DiscoveryCodec.Decode"/>), not this very node, not a replay, and within its node's
/// rate (<see cref="NodeRateLimiter"/>). Runs in the receive loop, so only datagrams that pass ever take a place in the queue.
/// </summary>
/// <remarks>
/// Issue 14, finding 9: a rate limit per source address ahead of the tag check let a flood forged from a real peer's
/// address use up that address's budget, and the peer's own announcements were dropped with the forgeries. Every datagram
/// is now verified (one HMAC over at most 1,200 bytes, a few microseconds, less than receiving it), forgeries are dropped
/// at once and cost nothing more, and the budget is per node id, spent only by authentic announcements. Replays are
/// refused before the budget is charged, so a captured announcement replayed in a loop cannot spend its node's budget either.
/// </remarks>
internal sealed class AnnouncementFilter(string ownNodeId, string ownInstanceId, bool loopbackOnly, int perNodePerSecond, TimeProvider time)
{
    private readonly ReplayGuard _replays = new();
    private readonly NodeRateLimiter _perNode = new(perNodePerSecond, time);

    public (Announcement? Value, DropReason Reason) Check(ReadOnlySpan<byte> datagram, IPAddress from, IReadOnlyList<MeshKeySet> keys)
    {
        if (loopbackOnly && !IPAddress.IsLoopback(from))
        {
            return (null, DropReason.NotLoopback);
        }

        var (announcement, reason) = DiscoveryCodec.Decode(datagram, keys, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (announcement is null)
        {
            return (null, reason);
        }

        if (announcement.NodeId == ownNodeId && announcement.InstanceId == ownInstanceId)
        {
            return (null, DropReason.Own);
        }

        if (!_replays.TryAccept(announcement))
        {
            return (null, DropReason.Replay);
        }

        return _perNode.TryAcquire(announcement.NodeId) ? (announcement, DropReason.None) : (null, DropReason.RateLimited);
    }
}
