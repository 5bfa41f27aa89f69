using System.Net;
using MeshMind.Discovery;
using MeshMind.Hosting.Firewall;
using MeshMind.Mesh;
using MeshMind.Tests.Support;
using MeshMind.Web;

namespace MeshMind.Tests.Hosting.Firewall;

/// <summary>The firewall helper's pure parts: which subnets and ports, and the rules per platform against golden copies.</summary>
public sealed class FirewallRulesTests
{
    private static readonly FirewallPlan s_plan = new(
        [new(7878, "tcp", "mesh"), new(5000, "udp", "discovery"), new(8080, "tcp", "HTTP")],
        [new("eth0", IPNetwork.Parse("192.168.1.0/24")), new("wlan0", IPNetwork.Parse("10.8.0.0/16"))]);

    private static readonly FirewallPlan s_dualStack = s_plan with
    {
        Subnets = [.. s_plan.Subnets, new("eth0", IPNetwork.Parse("fd00:1::/64"))],
    };

    [Theory]
    [InlineData("nftables", "firewall-nftables.nft")]
    [InlineData("ufw", "firewall-ufw.txt")]
    [InlineData("firewalld", "firewall-firewalld.txt")]
    [InlineData("windows", "firewall-windows.ps1")]
    public void Render_EachPlatform_MatchesGoldenAndShowsTheSubnetsInCidrForm(string backend, string golden)
    {
        var text = FirewallCommand.Render(backend, s_plan, []);

        Golden.Matches(text, golden);
        Assert.Contains("192.168.1.0/24 (eth0), 10.8.0.0/16 (wlan0)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MacOS_MatchesGolden()
    {
        var text = MacFirewallRules.Render(s_plan, "/Applications/MeshMind/meshmind");

        Golden.Matches(text, "firewall-macos.txt");
        Assert.Contains("pass in quick proto tcp from { 192.168.1.0/24 10.8.0.0/16 } to any port { 7878 8080 }", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Nftables_WithIpv6Subnet_AllowsItThroughItsOwnSet()
    {
        var text = NftablesRules.Render(s_dualStack);

        Assert.Contains("elements = { fd00:1::/64 }", text, StringComparison.Ordinal);
        Assert.Contains("ip6 saddr @lan6 tcp dport { 7878, 8080 } accept", text, StringComparison.Ordinal);
        Assert.Contains("ip saddr @lan4 udp dport 5000 accept", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Firewalld_Ipv6Subnet_UsesTheIpv6Family()
    {
        var commands = FirewalldRules.Apply(s_dualStack);

        Assert.Contains(commands, c => c.Arguments[1] == "--add-rich-rule=rule family=\"ipv6\" source address=\"fd00:1::/64\" port port=\"5000\" protocol=\"udp\" accept");
        Assert.Equal("firewall-cmd --reload", commands[^1].ToShell());
    }

    [Fact]
    public void Ufw_Remove_DeletesExactlyTheRulesApplyAdds()
    {
        var added = UfwRules.Apply(s_plan).Select(c => c.Arguments.Skip(1).SkipLast(2));
        var removed = UfwRules.Remove(s_plan).Select(c => c.Arguments.Skip(2));

        Assert.Equal(6, UfwRules.Apply(s_plan).Count);
        Assert.Equal(added.Select(a => string.Join(' ', a)), removed.Select(r => string.Join(' ', r)));
    }

    [Fact]
    public void Windows_ExtraNetworks_AreAllowedBesidesLocalSubnet()
    {
        var text = WindowsFirewallRules.Render(s_plan, ["172.16.5.0/24"]);

        Assert.Contains("-RemoteAddress LocalSubnet,172.16.5.0/24 -Profile Private,Domain", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalSubnets_TakesUpNonLoopbackInterfacesInCidrFormWithHostBitsCleared()
    {
        InterfaceSnapshot[] interfaces =
        [
            new("lo", true, true, [(IPAddress.Loopback, 8)]),
            new("eth0", true, false, [(IPAddress.Parse("192.168.1.23"), 24), (IPAddress.Parse("fe80::1"), 64)]),
            new("wlan0", true, false, [(IPAddress.Parse("10.8.200.7"), 16)]),
            new("eth1", false, false, [(IPAddress.Parse("172.16.0.9"), 12)]),
        ];

        var all = LocalSubnets.Select(interfaces, [], [IPAddress.Any]);
        var onlyEth0 = LocalSubnets.Select(interfaces, ["eth0"], [IPAddress.Any]);
        var bound = LocalSubnets.Select(interfaces, [], [IPAddress.Parse("10.8.200.7")]);
        var ipv6 = LocalSubnets.Select(interfaces, ["eth0"], [IPAddress.IPv6Any]);

        Assert.Equal(["192.168.1.0/24 (eth0)", "10.8.0.0/16 (wlan0)"], all.Select(s => s.ToString()));
        Assert.Equal(["192.168.1.0/24 (eth0)"], onlyEth0.Select(s => s.ToString()));
        Assert.Equal(["10.8.0.0/16 (wlan0)"], bound.Select(s => s.ToString()));
        Assert.Equal(["192.168.1.0/24 (eth0)", "fe80::/64 (eth0)"], ipv6.Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("10.1.2.3", 32, "10.1.2.3/32")]
    [InlineData("10.1.2.3", 0, "0.0.0.0/0")]
    [InlineData("10.1.255.3", 17, "10.1.128.0/17")]
    [InlineData("fd00:1:2:3::9", 48, "fd00:1:2::/48")]
    public void Network_ClearsTheHostBits(string address, int prefix, string expected)
    {
        Assert.Equal(expected, LocalSubnets.Network(IPAddress.Parse(address), prefix).ToString());
    }

    [Theory]
    [InlineData("192.168.5.0/24", true)]
    [InlineData("fd00:1::/64", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("192.168.5.7/24", false)]
    [InlineData("192.168.5.0/33", false)]
    [InlineData("192.168.5.0", false)]
    [InlineData("/24", false)]
    [InlineData("host/24", false)]
    public void TryParseCidr_AcceptsOnlyNetworksWithTheirHostBitsZero(string text, bool valid)
    {
        Assert.Equal(valid, LocalSubnets.TryParseCidr(text, out var network));
        if (valid)
        {
            Assert.Equal(text, network.ToString());
        }
    }

    [Fact]
    public void Nftables_OverlappingSubnets_KeepsOnlyTheOutermost()
    {
        var plan = s_plan with { Subnets = [.. s_plan.Subnets, new("--allow", IPNetwork.Parse("10.0.0.0/8")), new("eth1", IPNetwork.Parse("192.168.1.0/24"))] };

        Assert.Contains("elements = { 192.168.1.0/24, 10.0.0.0/8 }", NftablesRules.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void Planner_LeavesOutWhatOtherMachinesCannotReach()
    {
        var (ports, notes) = FirewallPlanner.Ports(
            new HttpOptions { BindAddress = "127.0.0.1", Port = 8080 },
            new MeshOptions { Port = 7979 },
            new DiscoveryOptions { Mode = "off" });

        Assert.Equal([new FirewallPort(7979, "tcp", "mesh")], ports);
        Assert.Contains(notes, n => n.StartsWith("HTTP port: left out, it listens on 127.0.0.1 only", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("discovery port: left out, discovery is 'off'", StringComparison.Ordinal));
    }
}
