using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MeshMind.Mesh.Invites;

/// <summary>The addresses an invite gives for the mesh port: where a new device on the LAN can reach this node.</summary>
internal static class InviteAddresses
{
    /// <summary>
    /// The mesh port's bind address when it is a single address; otherwise this machine's addresses that the port listens on (IPv4,
    /// and IPv6 when bound to <c>::</c>) on interfaces that are up, loopback and link-local ones left out, <paramref name="preferred"/>
    /// first when it is one of them (the address the person making the invite reached this node at). Loopback when there is none.
    /// </summary>
    public static IReadOnlyList<IPAddress> For(string bindAddress, IPAddress? preferred)
    {
        if (IPAddress.TryParse(bindAddress, out var bound) && !bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any))
        {
            return [bound];
        }

        var ipv6 = bound?.Equals(IPAddress.IPv6Any) == true;
        var addresses = Local().Where(a => a.AddressFamily == AddressFamily.InterNetwork || (ipv6 && !a.IsIPv6LinkLocal && !a.IsIPv6SiteLocal))
            .Where(a => !IPAddress.IsLoopback(a) && !a.ToString().StartsWith("169.254.", StringComparison.Ordinal))
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .ToList();
        if (preferred is not null)
        {
            preferred = preferred.IsIPv4MappedToIPv6 ? preferred.MapToIPv4() : preferred;
            if (addresses.Remove(preferred))
            {
                addresses.Insert(0, preferred);
            }
        }

        return addresses.Count == 0 ? [IPAddress.Loopback] : [.. addresses.Distinct().Take(InviteCode.MaxAddresses)];
    }

    private static IEnumerable<IPAddress> Local()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}
