using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MeshMind.Node;

/// <summary>This machine's LAN address as the seed reports it with answers: the first IPv4 address of an interface that is up.</summary>
internal static class LanAddress
{
    private static readonly Lazy<string> s_current = new(Find);

    public static string Current => s_current.Value;

    private static string Find()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString()
                ?? IPAddress.Loopback.ToString();
        }
        catch (NetworkInformationException)
        {
            return IPAddress.Loopback.ToString();
        }
    }
}
