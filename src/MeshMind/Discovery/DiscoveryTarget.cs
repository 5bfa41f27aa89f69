using System.Net;
using System.Net.Sockets;

namespace MeshMind.Discovery;

/// <summary>
/// One destination of this node's announcements: a directed broadcast of one interface (with that interface's name, address
/// and prefix), the limited broadcast 255.255.255.255, 127.255.255.255 in loopback mode, or a configured target.
/// </summary>
internal sealed record DiscoveryTarget(IPEndPoint EndPoint, string? Interface, IPAddress? InterfaceAddress, int PrefixLength)
{
    /// <summary>
    /// Where announcements go: 127.255.255.255 in loopback mode; otherwise the directed broadcast of each of
    /// <paramref name="subnets"/> (the up IPv4 interfaces, <see cref="LanSubnets"/>), 255.255.255.255 and any configured targets.
    /// </summary>
    public static IReadOnlyList<DiscoveryTarget> For(DiscoveryOptions options, IReadOnlyList<LanSubnet> subnets)
    {
        if (string.Equals(options.Mode, "loopback", StringComparison.OrdinalIgnoreCase))
        {
            return [new(new IPEndPoint(IPAddress.Parse("127.255.255.255"), options.Port), null, null, 0)];
        }

        var targets = new List<DiscoveryTarget> { new(new IPEndPoint(IPAddress.Broadcast, options.Port), null, null, 0) };
        foreach (var subnet in subnets)
        {
            targets.Add(new(new IPEndPoint(subnet.Broadcast, options.Port), subnet.Interface, subnet.Address, subnet.PrefixLength));
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
