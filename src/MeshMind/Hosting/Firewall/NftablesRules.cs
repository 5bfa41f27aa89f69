using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MeshMind.Hosting.Firewall;

/// <summary>
/// Linux without ufw or firewalld: an nftables table of MeshMind's own, <c>inet meshmind</c>, that lets the node's ports be
/// reached from the local subnets (and this machine) only. Applied whole in one transaction, removed whole with the table.
/// </summary>
/// <remarks>
/// A table of its own cannot open a port that another table drops (every base chain of a hook sees the packet, and a drop
/// anywhere is final): it closes MeshMind's ports to everything but the LAN. With a firewall that drops by default, its
/// front end (ufw, firewalld) is used instead, or the ports are allowed in its own ruleset (the header says so).
/// </remarks>
internal static class NftablesRules
{
    public const string Table = "inet meshmind";

    public static string Render(FirewallPlan plan)
    {
        var rules = new StringBuilder();
        rules.Append(FirewallText.Header(plan, "nftables, table inet meshmind", "#"));
        rules.Append("""
            # This table only closes the ports to other networks; if another table drops incoming traffic by default, allow them there too.
            # Print only: meshmind firewall; apply: sudo meshmind firewall --apply (nft -f); remove: sudo meshmind firewall --remove.
            table inet meshmind
            delete table inet meshmind
            table inet meshmind {

            """);
        foreach (var (family, name, type) in new[] { (AddressFamily.InterNetwork, "lan4", "ipv4_addr"), (AddressFamily.InterNetworkV6, "lan6", "ipv6_addr") })
        {
            var networks = LocalSubnets.Outermost(plan.Networks(family));
            if (networks.Count > 0)
            {
                rules.Append(CultureInfo.InvariantCulture, $"\tset {name} {{\n\t\ttype {type}\n\t\tflags interval\n\t\telements = {{ {string.Join(", ", networks)} }}\n\t}}\n\n");
            }
        }

        rules.Append("\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tiif \"lo\" accept\n");
        foreach (var (protocol, ports) in Groups(plan))
        {
            foreach (var (family, set) in new[] { (AddressFamily.InterNetwork, "ip saddr @lan4"), (AddressFamily.InterNetworkV6, "ip6 saddr @lan6") })
            {
                if (plan.Networks(family).Any())
                {
                    rules.Append(CultureInfo.InvariantCulture, $"\t\t{set} {protocol} dport {ports} accept\n");
                }
            }
        }

        foreach (var (protocol, ports) in Groups(plan))
        {
            // Counted, so `nft list table inet meshmind` shows what was kept out.
            rules.Append(CultureInfo.InvariantCulture, $"\t\t{protocol} dport {ports} counter drop\n");
        }

        rules.Append("\t}\n}\n");
        return rules.ToString();
    }

    /// <summary>Removes the table if it exists (declaring it first makes the delete succeed when it does not).</summary>
    public static string RenderRemove() => "table inet meshmind\ndelete table inet meshmind\n";

    public static ExternalCommand Apply(string ruleset) => new("nft", "-f", "-") { Input = ruleset };

    /// <summary>"tcp" → "{ 7878, 8080 }" or "7878".</summary>
    private static IEnumerable<(string Protocol, string Ports)> Groups(FirewallPlan plan) =>
        plan.Ports.GroupBy(p => p.Protocol).Select(g =>
        {
            var ports = g.Select(p => p.Port).Distinct().Order().Select(p => p.ToString(CultureInfo.InvariantCulture)).ToList();
            return (g.Key, ports.Count == 1 ? ports[0] : "{ " + string.Join(", ", ports) + " }");
        });
}
