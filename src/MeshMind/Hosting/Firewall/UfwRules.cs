namespace MeshMind.Hosting.Firewall;

/// <summary>Linux with ufw active (it denies what comes in by default): one <c>ufw allow</c> per port and subnet.</summary>
internal static class UfwRules
{
    public static IReadOnlyList<ExternalCommand> Apply(FirewallPlan plan) =>
        [.. Rules(plan).Select(r => new ExternalCommand("ufw", ["allow", .. r.Spec, "comment", $"MeshMind {r.Port.Purpose}"]))];

    public static IReadOnlyList<ExternalCommand> Remove(FirewallPlan plan) =>
        [.. Rules(plan).Select(r => new ExternalCommand("ufw", ["delete", "allow", .. r.Spec]))];

    public static string Render(FirewallPlan plan) =>
        FirewallText.Header(plan, "ufw", "#")
        + "# apply: sudo meshmind firewall --apply (these commands); remove: sudo meshmind firewall --remove\n"
        + string.Concat(Apply(plan).Select(c => c.ToShell() + "\n"));

    private static IEnumerable<(FirewallPort Port, string[] Spec)> Rules(FirewallPlan plan) =>
        from port in plan.Ports
        from subnet in plan.Subnets.Select(s => s.Network).Distinct()
        select (port, new[] { "from", subnet.ToString(), "to", "any", "port", port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "proto", port.Protocol });
}
