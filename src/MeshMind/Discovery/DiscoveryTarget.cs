using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MeshMind.Discovery;

/// <summary>
/// One destination of this node's announcements: a directed broadcast of one interface (with that interface's name, address
/// and prefix), the limited broadcast 255.255.255.255, 127.255.255.255 in loopback mode, or a configured target.
/// </summary>
internal sealed record DiscoveryTarget(IPEndPoint EndPoint, string? Interface, IPAddress? InterfaceAddress, int PrefixLength)
{
    /// <summary>Where announcements go now: 127.255.255.255 in loopback mode; otherwise every up IPv4 interface's directed broadcast, 255.255.255.255 and any configured targets.</summary>
    /// <remarks>Read afresh for each announcement, so an interface that comes up later (Wi-Fi, a VPN) is used from then on.</remarks>
    public static IReadOnlyList<DiscoveryTarget> For(DiscoveryOptions options)
    {
        if (string.Equals(options.Mode, "loopback", StringComparison.OrdinalIgnoreCase))
        {
            return [new(new IPEndPoint(IPAddress.Parse("127.255.255.255"), options.Port), null, null, 0)];
        }

        var targets = new List<DiscoveryTarget> { new(new IPEndPoint(IPAddress.Broadcast, options.Port), null, null, 0) };
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback
                || (options.Interfaces.Count > 0 && !options.Interfaces.Contains(nic.Name, StringComparer.Ordinal)))
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && unicast.IPv4Mask is { } mask)
                {
                    var address = unicast.Address.GetAddressBytes();
                    var netmask = mask.GetAddressBytes();
                    for (var i = 0; i < 4; i++)
                    {
                        address[i] |= (byte)~netmask[i];
                    }

                    targets.Add(new(new IPEndPoint(new IPAddress(address), options.Port), nic.Name, unicast.Address, unicast.PrefixLength));
                }
            }
        }

        foreach (var target in options.Targets)
        {
            var endpoint = IPEndPoint.Parse(target);
            targets.Add(new(endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, options.Port) : endpoint, null, null, 0));
        }

        return [.. targets.DistinctBy(t => t.EndPoint)];
    }

    /// <summary>Whether <paramref name="address"/> is on this target's interface's subnet (a sender heard through it).</summary>
    public bool OnSubnet(IPAddress address)
    {
        if (InterfaceAddress is null || address.AddressFamily != AddressFamily.InterNetwork || PrefixLength is <= 0 or > 32)
        {
            return false;
        }

        var mask = PrefixLength == 32 ? uint.MaxValue : ~(uint.MaxValue >> PrefixLength);
        return (ToUInt32(address) & mask) == (ToUInt32(InterfaceAddress) & mask);
    }

    private static uint ToUInt32(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }
}
