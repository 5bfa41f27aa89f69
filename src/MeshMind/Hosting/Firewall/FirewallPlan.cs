using System.Net;

namespace MeshMind.Hosting.Firewall;

/// <summary>A port the node listens on for other machines: <c>7878/tcp</c> (mesh), <c>5000/udp</c> (discovery), <c>8080/tcp</c> (HTTP).</summary>
internal sealed record FirewallPort(int Port, string Protocol, string Purpose);

/// <summary>A network the node's machine is on, as an interface has it: <c>192.168.1.0/24</c> on <c>eth0</c>.</summary>
internal sealed record LocalSubnet(string Interface, IPNetwork Network)
{
    public override string ToString() => $"{Network} ({Interface})";
}

/// <summary>What the firewall helper opens: these ports, from these networks only (the input of every rule generator).</summary>
internal sealed record FirewallPlan(IReadOnlyList<FirewallPort> Ports, IReadOnlyList<LocalSubnet> Subnets)
{
    public IEnumerable<FirewallPort> Tcp => Ports.Where(p => p.Protocol == "tcp");

    public IEnumerable<FirewallPort> Udp => Ports.Where(p => p.Protocol == "udp");

    public IEnumerable<IPNetwork> Networks(System.Net.Sockets.AddressFamily family) =>
        Subnets.Select(s => s.Network).Where(n => n.BaseAddress.AddressFamily == family).Distinct();

    /// <summary>"mesh 7878/tcp, discovery 5000/udp, HTTP 8080/tcp"</summary>
    public string DescribePorts() => string.Join(", ", Ports.Select(p => $"{p.Purpose} {p.Port}/{p.Protocol}"));

    /// <summary>"192.168.1.0/24 (eth0), 10.8.0.0/16 (wlan0)"</summary>
    public string DescribeSubnets() => string.Join(", ", Subnets);
}
