namespace MeshMind.Discovery;

/// <summary>Why a discovery datagram was dropped. Every drop is counted by reason.</summary>
// Public only because tests take it as theory data.
public enum DropReason
{
    None = 0,
    Oversize,
    Garbage,
    WrongVersion,
    BadTag,
    Unparsable,
    Stale,
    Replay,
    Own,
    NotLoopback,
    RateLimited,
    QueueFull,
}
