using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MeshMind.Hosting.Firewall;

/// <summary>
/// macOS: its application firewall allows or blocks a program, not a port or a network, so the helper allows the program
/// there and prints pf rules for limiting the ports to the local subnets (pf is the system's, not the helper's, to change).
/// </summary>
internal static class MacFirewallRules
{
    private const string SocketFilter = "/usr/libexec/ApplicationFirewall/socketfilterfw";

    public static IReadOnlyList<ExternalCommand> Apply(string program) =>
    [
        new(SocketFilter, "--add", program),
        new(SocketFilter, "--unblockapp", program),
    ];

    public static IReadOnlyList<ExternalCommand> Remove(string program) => [new(SocketFilter, "--remove", program)];

    public static string Render(FirewallPlan plan, string program)
    {
        var text = new StringBuilder();
        text.Append(FirewallText.Header(plan, "macOS", "#"));
        text.Append("# 1. The application firewall (System Settings > Network > Firewall) allows programs, not ports or networks.\n");
        text.Append("#    meshmind firewall --apply (with sudo) runs:\n");
        foreach (var command in Apply(program))
        {
            text.Append("sudo ").Append(command.ToShell()).Append('\n');
        }

        text.Append("# 2. To limit the ports to the local subnets, use pf: save the lines below as /etc/pf.anchors/meshmind, add\n");
        text.Append("#    anchor \"meshmind\" and load anchor \"meshmind\" from \"/etc/pf.anchors/meshmind\" to /etc/pf.conf, then\n");
        text.Append("#    run: sudo pfctl -ef /etc/pf.conf\n");
        var networks = string.Join(' ', plan.Networks(AddressFamily.InterNetwork).Concat(plan.Networks(AddressFamily.InterNetworkV6)));
        foreach (var protocol in new[] { "tcp", "udp" })
        {
            var ports = plan.Ports.Where(p => p.Protocol == protocol).Select(p => p.Port.ToString(CultureInfo.InvariantCulture)).Distinct().ToList();
            if (ports.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"pass in quick proto {protocol} from {{ {networks} }} to any port {{ {string.Join(' ', ports)} }}\n");
                text.Append(CultureInfo.InvariantCulture, $"block in quick on ! lo0 proto {protocol} to any port {{ {string.Join(' ', ports)} }}\n");
            }
        }

        return text.ToString();
    }
}
