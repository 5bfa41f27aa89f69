using System.Text;

namespace MeshMind.Hosting.Firewall;

/// <summary>The lines every generated rule set begins with: which ports, and from which subnets (CIDR).</summary>
internal static class FirewallText
{
    public static string Header(FirewallPlan plan, string what, string comment)
    {
        var header = new StringBuilder();
        header.Append(comment).Append(" MeshMind firewall rules (").Append(what).Append("): ").Append(plan.DescribePorts()).Append('\n');
        header.Append(comment).Append(" allowed only from the local subnets: ").Append(plan.DescribeSubnets()).Append('\n');
        return header.ToString();
    }
}
