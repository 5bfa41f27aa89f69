using System.Net;
using MeshMind.Discovery;
using MeshMind.Mesh;
using MeshMind.Web;

namespace MeshMind.Hosting.Firewall;

/// <summary>Which of the node's ports other machines need, from its options (the ports it really uses, not the defaults).</summary>
internal static class FirewallPlanner
{
    /// <returns>The ports, and a note for each port left out and why.</returns>
    public static (IReadOnlyList<FirewallPort> Ports, IReadOnlyList<string> Notes) Ports(HttpOptions http, MeshOptions mesh, DiscoveryOptions discovery)
    {
        var ports = new List<FirewallPort>();
        var notes = new List<string>();
        if (IsLoopback(mesh.BindAddress))
        {
            notes.Add($"mesh port: left out, it listens on {mesh.BindAddress} only");
        }
        else if (mesh.Port == 0)
        {
            notes.Add("mesh port: left out, it is picked at random (Mesh:Port 0); give it a fixed one");
        }
        else
        {
            ports.Add(new FirewallPort(mesh.Port, "tcp", "mesh"));
        }

        if (discovery.Mode != "lan")
        {
            notes.Add($"discovery port: left out, discovery is '{discovery.Mode}'");
        }
        else
        {
            ports.Add(new FirewallPort(discovery.Port, "udp", "discovery"));
        }

        if (IsLoopback(http.BindAddress))
        {
            notes.Add($"HTTP port: left out, it listens on {http.BindAddress} only (people on this machine only)");
        }
        else if (http.Port == 0)
        {
            notes.Add("HTTP port: left out, it is picked at random (Http:Port 0); give it a fixed one");
        }
        else
        {
            ports.Add(new FirewallPort(http.Port, "tcp", "HTTP"));
        }

        return (ports, notes);
    }

    /// <summary>The addresses the node binds (for the interfaces it uses).</summary>
    public static IReadOnlyList<IPAddress> BindAddresses(HttpOptions http, MeshOptions mesh) =>
        [.. new[] { http.BindAddress, mesh.BindAddress }.Select(a => IPAddress.TryParse(a, out var ip) ? ip : IPAddress.Any).Distinct()];

    private static bool IsLoopback(string address) =>
        address == "localhost" || (IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip));
}
