using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MeshMind.Discovery;

/// <summary>
/// The IPv4 subnets of the interfaces discovery uses in <c>lan</c> mode (every up, non-loopback interface, or those named in
/// <see cref="DiscoveryOptions.Interfaces"/>): where announcements are broadcast, and where a reply may go. Read again at
/// most every 10 s, so a flood of announcements never turns into a flood of interface enumerations.
/// </summary>
internal sealed class LanSubnets(IReadOnlyList<string> interfaces, TimeProvider time)
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromSeconds(10);
    private readonly Lock _lock = new();
    private IReadOnlyList<LanSubnet> _subnets = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public IReadOnlyList<LanSubnet> Current
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_lock)
            {
                if (now - _readAt >= s_refresh)
                {
                    _subnets = Read(interfaces);
                    _readAt = now;
                }

                return _subnets;
            }
        }
    }

    /// <summary>Whether <paramref name="address"/> is this machine (loopback) or on one of <paramref name="subnets"/>.</summary>
    public static bool IsLocal(IPAddress address, IReadOnlyList<LanSubnet> subnets) =>
        IPAddress.IsLoopback(address) || subnets.Any(s => s.Contains(address));

    /// <summary>The subnets of the up IPv4 interfaces (those named in <paramref name="interfaces"/>, if any) now.</summary>
    public static List<LanSubnet> Read(IReadOnlyList<string> interfaces)
    {
        var subnets = new List<LanSubnet>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback
                    || (interfaces.Count > 0 && !interfaces.Contains(nic.Name, StringComparer.Ordinal)))
                {
                    continue;
                }

                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && unicast.IPv4Mask is { } mask)
                    {
                        subnets.Add(new LanSubnet(unicast.Address, mask, nic.Name, unicast.PrefixLength));
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interfaces known: broadcast to 255.255.255.255 only, and reply to no one beyond this machine.
        }

        return subnets;
    }
}
