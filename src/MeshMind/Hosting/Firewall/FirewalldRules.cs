using System.Globalization;
using System.Net.Sockets;

namespace MeshMind.Hosting.Firewall;

/// <summary>Linux with firewalld running: permanent rich rules in the default zone, one per port and subnet, then a reload.</summary>
internal static class FirewalldRules
{
    public static IReadOnlyList<ExternalCommand> Apply(FirewallPlan plan) =>
        [.. RichRules(plan).Select(r => new ExternalCommand("firewall-cmd", "--permanent", "--add-rich-rule=" + r)), Reload];

    public static IReadOnlyList<ExternalCommand> Remove(FirewallPlan plan) =>
        [.. RichRules(plan).Select(r => new ExternalCommand("firewall-cmd", "--permanent", "--remove-rich-rule=" + r)), Reload];

    public static string Render(FirewallPlan plan) =>
        FirewallText.Header(plan, "firewalld, default zone", "#")
        + "# apply: sudo meshmind firewall --apply (these commands); remove: sudo meshmind firewall --remove\n"
        + string.Concat(Apply(plan).Select(c => c.ToShell() + "\n"));

    private static ExternalCommand Reload => new("firewall-cmd", "--reload");

    private static IEnumerable<string> RichRules(FirewallPlan plan) =>
        from port in plan.Ports
        from subnet in plan.Subnets.Select(s => s.Network).Distinct()
        let family = subnet.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4"
        select string.Create(CultureInfo.InvariantCulture,
            $"rule family=\"{family}\" source address=\"{subnet}\" port port=\"{port.Port}\" protocol=\"{port.Protocol}\" accept");
}
