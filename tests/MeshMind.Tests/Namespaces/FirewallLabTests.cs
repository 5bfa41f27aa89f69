using System.Globalization;
using System.Text.RegularExpressions;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>
/// <c>meshmind firewall --apply</c> (nftables) on a lab host: a peer on the same subnet still reaches the node's mesh and
/// discovery ports, a machine on another subnet (through a router, which it reached before the rules) no longer does, and
/// <c>--remove</c> takes the rules out again.
/// </summary>
[Collection(nameof(NamespaceLabs))]
public sealed class FirewallLabTests
{
    private const string Secret = "firewall-lab-secret-0123456789";
    private const string NodeAddress = "10.213.41.2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApplyNftables_SameSubnetPeerConnects_OtherSubnetIsKeptOut_RemoveOpensAgain()
    {
        await using var lab = await Labs.CreateAsync();
        var (which, _, _) = await Command.RunAsync("sh", ["-c", "command -v nft"], Ct);
        if (which != 0)
        {
            Assert.Fail("nft is not installed (apt-get install nftables; scripts/test.sh installs it)");
        }

        var lan = await lab.AddSwitchAsync(41);
        var other = await lab.AddSwitchAsync(42);
        await lab.AddRouterAsync(lan, other);
        var host = await lab.AddHostAsync(lan, 2, gateway: "10.213.41.1");
        var peer = await lab.AddHostAsync(lan, 3);
        var outsider = await lab.AddHostAsync(other, 2, gateway: "10.213.42.1");
        var node = await lab.StartNodeAsync(host, "guarded", Secret, cancellationToken: Ct);

        // Before: the router carries the outsider's connection, so what keeps it out afterwards is the rules.
        Assert.True(await ConnectsAsync(outsider, 7878), "without rules, the other subnet reaches the mesh port through the router");

        var applied = await RunFirewallAsync(node, "--apply");
        Assert.Contains("10.213.41.0/24 (eth0)", applied, StringComparison.Ordinal);
        Assert.Contains("meshmind: applied nftables rules: mesh 7878/tcp, discovery 5000/udp reachable only from 10.213.41.0/24 (eth0)", applied, StringComparison.Ordinal);
        Assert.Contains("HTTP port: left out, it listens on 127.0.0.1 only", applied, StringComparison.Ordinal);

        Assert.True(await ConnectsAsync(peer, 7878), "a peer on the same subnet reaches the mesh port");
        Assert.False(await ConnectsAsync(outsider, 7878), "a machine on another subnet does not reach the mesh port");
        Assert.True(await DropCountAsync(host, "tcp") > 0, "the rule counted the outsider's dropped connection attempts");

        // Discovery (UDP): a stray datagram from the outsider is dropped by the rule (counted there) and never reaches the
        // node; one from the peer does (the node counts it as garbage).
        var garbageBefore = await GarbageAsync(node);
        await SendDatagramAsync(outsider);
        await Wait.UntilAsync(async () => await DropCountAsync(host, "udp") > 0, Labs.Timeout, "the outsider's datagram to be dropped by the rule");
        await SendDatagramAsync(peer);
        await Wait.UntilAsync(async () => await GarbageAsync(node) > garbageBefore, Labs.Timeout, "the peer's datagram to reach the node");
        Assert.Equal(garbageBefore + 1, await GarbageAsync(node));

        // The node's own HTTP API on the host's loopback still answers (every call above went through it).
        var removed = await RunFirewallAsync(node, "--remove");
        Assert.Contains("meshmind: removed MeshMind's nftables rules.", removed, StringComparison.Ordinal);
        var (_, tables, _) = await Command.RunAsync("ip", ["netns", "exec", host.Namespace, "nft", "list", "tables"], Ct);
        Assert.DoesNotContain("meshmind", tables, StringComparison.Ordinal);
        Assert.True(await ConnectsAsync(outsider, 7878), "after --remove, the other subnet reaches the mesh port again");
    }

    /// <summary>Runs <c>meshmind firewall ARG</c> in the node's namespace and directory, with the node's own options.</summary>
    private static async Task<string> RunFirewallAsync(LabNode node, string argument)
    {
        await using var process = NodeProcess.Start(NodeProcess.DefaultAssembly, node.Directory,
            ["firewall", argument, "--backend", "nftables", "--http-bind", "127.0.0.1", "--discovery", "lan"], environment: null,
            ["ip", "netns", "exec", node.Host.Namespace], isolateMesh: false);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(process.Output);
        Assert.True(process.ExitCode == 0, $"meshmind firewall {argument} failed ({process.ExitCode}):\n{process.Output}");
        return process.Output;
    }

    /// <summary>Whether a TCP connection from <paramref name="from"/> to the node's port is set up within 3 s.</summary>
    private static async Task<bool> ConnectsAsync(LabHost from, int port)
    {
        var (code, _, _) = await Command.RunAsync("ip",
            ["netns", "exec", from.Namespace, "timeout", "3", "bash", "-c", $"exec 3<>/dev/tcp/{NodeAddress}/{port}"], Ct);
        return code == 0;
    }

    private static async Task SendDatagramAsync(LabHost from)
    {
        var (code, _, error) = await Command.RunAsync("ip", ["netns", "exec", from.Namespace, "bash", "-c", $"printf stray > /dev/udp/{NodeAddress}/5000"], Ct);
        Assert.True(code == 0, $"sending a datagram from {from.Address} failed: {error}");
    }

    /// <summary>Packets counted by the table's drop rule for <paramref name="protocol"/>.</summary>
    private static async Task<long> DropCountAsync(LabHost host, string protocol)
    {
        var (_, listing, _) = await Command.RunAsync("ip", ["netns", "exec", host.Namespace, "nft", "list", "table", "inet", "meshmind"], Ct);
        var match = Regex.Match(listing, protocol + @" dport [^\n]*counter packets (\d+)");
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static async Task<long> GarbageAsync(LabNode node)
    {
        var stats = await node.GetJsonAsync("/api/discovery", Ct) ?? throw new InvalidOperationException("the node did not answer /api/discovery");
        return stats.GetProperty("dropped").EnumerateObject()
            .Where(p => p.Name.Equals("garbage", StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Value.GetInt64()).Sum();
    }
}
