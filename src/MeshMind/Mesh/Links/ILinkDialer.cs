using System.Net;
using System.Net.WebSockets;

namespace MeshMind.Mesh.Links;

/// <summary>
/// How <see cref="LinkManager"/> opens a link to a peer: in the node, the mutual-TLS mesh port (<c>MeshDialer</c>); in the
/// overlay simulation (bench <c>overlay --real</c>), an in-memory transport, so thousands of nodes run the same link logic in
/// one process.
/// </summary>
internal interface ILinkDialer
{
    /// <summary>Joins the peer at <paramref name="host"/>:<paramref name="port"/> and opens the link socket.</summary>
    /// <exception cref="LinkRefusedException">The peer has as many links as it accepts (<see cref="MeshOptions.MaxLinks"/>).</exception>
    Task<DialedLink> DialLinkAsync(string host, int port, string? expectedNodeId, CancellationToken cancellationToken);
}

/// <summary>A joined peer and its open link socket; <see cref="Connection"/> is disposed when the link ends.</summary>
internal sealed record DialedLink(string NodeId, string Name, WebSocket Socket, IPAddress? Address, IDisposable Connection);

/// <summary>The peer admitted this node but has as many links as it accepts; <see cref="Peers"/> are some it is linked to, to dial instead.</summary>
internal sealed class LinkRefusedException(string message, IReadOnlyList<ExchangedPeer> peers) : Exception(message)
{
    public IReadOnlyList<ExchangedPeer> Peers { get; } = peers;
}
