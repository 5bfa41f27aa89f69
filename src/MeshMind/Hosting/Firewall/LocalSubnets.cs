using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MeshMind.Hosting.Firewall;

/// <summary>One network interface as the firewall helper sees it (a snapshot, so the choice of subnets is a pure function).</summary>
internal sealed record InterfaceSnapshot(string Name, bool Up, bool Loopback, IReadOnlyList<(IPAddress Address, int PrefixLength)> Addresses);

/// <summary>The local subnets of the interfaces the node uses: its LAN, in CIDR form.</summary>
internal static class LocalSubnets
{
    /// <summary>
    /// The subnets of the interfaces that are up and not loopback; only those named in <c>Discovery:Interfaces</c> when it
    /// names any, only the one holding a bind address when the node binds one. IPv6 subnets only when the node listens on
    /// IPv6 (it binds IPv4 by default).
    /// </summary>
    public static IReadOnlyList<LocalSubnet> Select(IEnumerable<InterfaceSnapshot> interfaces, IReadOnlyCollection<string> onlyInterfaces,
        IReadOnlyCollection<IPAddress> bindAddresses)
    {
        var specific = bindAddresses.Where(a => !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any) && !IPAddress.IsLoopback(a)).ToList();
        var ipv6 = bindAddresses.Any(a => a.AddressFamily == AddressFamily.InterNetworkV6);
        var result = new List<LocalSubnet>();
        foreach (var nic in interfaces)
        {
            if (!nic.Up || nic.Loopback || (onlyInterfaces.Count > 0 && !onlyInterfaces.Contains(nic.Name))
                || (specific.Count > 0 && !nic.Addresses.Any(a => specific.Contains(a.Address))))
            {
                continue;
            }

            foreach (var (address, prefix) in nic.Addresses)
            {
                if (address.AddressFamily == AddressFamily.InterNetwork || (ipv6 && address.AddressFamily == AddressFamily.InterNetworkV6))
                {
                    var subnet = new LocalSubnet(nic.Name, Network(address, prefix));
                    if (!result.Contains(subnet))
                    {
                        result.Add(subnet);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The network an address is in: <c>192.168.1.23</c>, 24 → <c>192.168.1.0/24</c>.</summary>
    public static IPNetwork Network(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPNetwork(new IPAddress(bytes), prefixLength);
    }

    /// <summary>Parses <c>ADDRESS/PREFIX</c> with the host bits zero (<c>192.168.5.0/24</c>; <c>192.168.5.7/24</c> is refused, as a likely slip).</summary>
    public static bool TryParseCidr(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        if (prefix > (ipv6 ? 128 : 32) || (ipv6 && address.ScopeId != 0))
        {
            return false;
        }

        network = Network(address, prefix);
        return network.BaseAddress.Equals(address);
    }

    /// <summary>The networks without those inside another one (nftables refuses overlapping intervals in a set).</summary>
    public static IReadOnlyList<IPNetwork> Outermost(IEnumerable<IPNetwork> networks)
    {
        var distinct = networks.Distinct().ToList();
        return [.. distinct.Where(n => !distinct.Any(o => o.PrefixLength < n.PrefixLength && o.Contains(n.BaseAddress)))];
    }

    /// <summary>This machine's interfaces now.</summary>
    public static IReadOnlyList<InterfaceSnapshot> Current() =>
    [
        .. NetworkInterface.GetAllNetworkInterfaces().Select(nic => new InterfaceSnapshot(
            nic.Name,
            nic.OperationalStatus == OperationalStatus.Up,
            nic.NetworkInterfaceType == NetworkInterfaceType.Loopback,
            [.. nic.GetIPProperties().UnicastAddresses.Select(u => (u.Address, u.PrefixLength))])),
    ];
}
