using System.Net.Sockets;
using MeshMind.Discovery;
using MeshMind.Infrastructure;

namespace MeshMind.Diagnostics.Checks;

/// <summary>
/// What discovery is set to and what it did, as <see cref="DiscoveryFindings"/> judges it: <see cref="BindError"/> says why the
/// discovery port could not be opened (null when it was, or discovery is off), <see cref="PortHolders"/> who holds it, when
/// that could be learned.
/// </summary>
internal sealed record DiscoveryView(
    DiscoveryOptions Options,
    SocketError? BindError,
    IReadOnlyList<PortHolder> PortHolders,
    IReadOnlyList<DiscoveryTarget> Targets,
    IReadOnlyList<DiscoverySend> Sends,
    IReadOnlyList<DiscoverySender> Senders,
    TimeSpan Uptime,
    DateTimeOffset Now);
