using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace MeshMind.Mesh.Peers;

/// <summary>A static peer as configured: <c>HOST:PORT</c>, <c>1.2.3.4:7878</c> or <c>[::1]:7878</c>.</summary>
internal sealed record PeerAddress(string Host, int Port)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out PeerAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > IPEndPoint.MaxPort)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out _))
            {
                return false;
            }
        }
        else if (Uri.CheckHostName(host) is UriHostNameType.Unknown or UriHostNameType.IPv6)
        {
            return false;
        }

        address = new PeerAddress(host, port);
        return true;
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
