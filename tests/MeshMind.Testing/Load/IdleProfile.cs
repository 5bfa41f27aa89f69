using System.Text;

namespace MeshMind.Testing.Load;

/// <summary>
/// How an idle connection behaves before it goes quiet: what it sends once connected, and whether it reads an answer to
/// that first (a keep-alive connection after one request) or not (a request cut off part-way, or nothing at all).
/// </summary>
/// <param name="Name">Its name in a report.</param>
/// <param name="Send">Bytes sent right after connecting (empty: nothing).</param>
/// <param name="AwaitsAnswer">Whether the first bytes that come back answer <paramref name="Send"/> rather than close the connection.</param>
public sealed record IdleProfile(string Name, byte[] Send, bool AwaitsAnswer)
{
    /// <summary>Connected, sent nothing (a browser's preconnect, or an attacker's cheapest connection).</summary>
    public static IdleProfile Silent { get; } = new("silent", [], false);

    /// <summary>One complete request answered, then quiet (a browser tab's keep-alive connection).</summary>
    public static IdleProfile AfterRequest(string host) =>
        new("after a request", Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n"), true);

    /// <summary>A request line and one header, never finished (slowloris).</summary>
    public static IdleProfile PartialRequest(string host) =>
        new("partial request", Encoding.ASCII.GetBytes($"GET /api/status HTTP/1.1\r\nHost: {host}\r\n"), false);

    /// <summary>The first bytes of a TLS record (a ClientHello cut off after its record header), for a TLS port.</summary>
    public static IdleProfile PartialTls { get; } = new("partial TLS hello", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01], false);
}
