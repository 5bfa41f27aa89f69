using System.Net;
using System.Net.Sockets;

namespace MeshMind.Discovery;

/// <summary>Announcements sent to one destination since start, and the error of the last one that failed (null when the last succeeded).</summary>
internal sealed record DiscoverySend(IPEndPoint Target, long Sent, long Failed, SocketError? LastError, DateTimeOffset? LastSent);
