using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>
/// Real <c>meshmind</c> processes, one per network namespace, on veth + bridge networks the test builds (root only).
/// Discovery runs in LAN mode, with real broadcast, inside the lab; nothing reaches the machine's own network.
/// </summary>
[Collection(nameof(NamespaceLabs))]
public sealed class MeshLabTests
{
    private const string Secret = "namespace-lab-secret-0123456789";
    private static readonly Dictionary<string, string> s_fastPing = new() { ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<LabNode>> StartOnOneBridgeAsync(NamespaceLab lab, int subnet, int count, IDictionary<string, string>? environment = null)
    {
        var network = await lab.AddSwitchAsync(subnet);
        var nodes = new List<LabNode>();
        for (var i = 1; i <= count; i++)
        {
            var host = await lab.AddHostAsync(network, 10 + i);
            nodes.Add(await lab.StartNodeAsync(host, $"host{i}", Secret, environment: environment, cancellationToken: Ct));
        }

        return nodes;
    }

    [Fact]
    public async Task FiveHosts_OneBridge_ReachFullMesh()
    {
        await using var lab = await Labs.CreateAsync();
        var nodes = await StartOnOneBridgeAsync(lab, subnet: 11, count: 5);

        await Labs.WaitForFullMeshAsync(nodes);
    }

    [Fact]
    public async Task KillDash9_OthersMarkItDown_RestartedItLinksAgain()
    {
        await using var lab = await Labs.CreateAsync();
        var nodes = await StartOnOneBridgeAsync(lab, subnet: 12, count: 3, s_fastPing);
        await Labs.WaitForFullMeshAsync(nodes);
        var victim = nodes[2];

        await victim.KillAsync();

        await Wait.UntilAsync(async () => await Labs.DroppedAsync(nodes[0], victim) && await Labs.DroppedAsync(nodes[1], victim),
            Labs.Timeout, "the killed node to be marked down");
        await victim.StartAsync(Ct);
        await Labs.WaitForFullMeshAsync(nodes);
    }

    [Fact]
    public async Task TwoSubnets_RouterAndOneStaticPeer_EveryNodeLinksToEveryOther()
    {
        await using var lab = await Labs.CreateAsync();
        var left = await lab.AddSwitchAsync(13);
        var right = await lab.AddSwitchAsync(14);
        await lab.AddRouterAsync(left, right);
        var a1 = await lab.AddHostAsync(left, 10, gateway: "10.213.13.1");
        var a2 = await lab.AddHostAsync(left, 11, gateway: "10.213.13.1");
        var b1 = await lab.AddHostAsync(right, 10, gateway: "10.213.14.1");
        var b2 = await lab.AddHostAsync(right, 11, gateway: "10.213.14.1");
        var nodes = new List<LabNode>
        {
            await lab.StartNodeAsync(a1, "left-1", Secret, cancellationToken: Ct),
            await lab.StartNodeAsync(a2, "left-2", Secret, cancellationToken: Ct),
            await lab.StartNodeAsync(b1, "right-1", Secret, ["--peer", $"{a1.Address}:7878"], cancellationToken: Ct),
            await lab.StartNodeAsync(b2, "right-2", Secret, cancellationToken: Ct),
        };

        await Labs.WaitForFullMeshAsync(nodes);
    }

    [Fact]
    public async Task TwoSubnets_BridgingNodeKilledAndRestarted_OthersStayLinked_ThenItLinksToAllAgain()
    {
        // Issue 20, point 2: broadcast does not cross the router; only right-1 is told of a node on the other side. Once the
        // mesh has formed, the links across the router are direct ones, so losing the node that introduced the two sides
        // leaves them up, and that node finds everyone again after its restart (its static peer, then peer exchange).
        await using var lab = await Labs.CreateAsync();
        var left = await lab.AddSwitchAsync(61);
        var right = await lab.AddSwitchAsync(62);
        await lab.AddRouterAsync(left, right);
        var a1 = await lab.AddHostAsync(left, 10, gateway: "10.213.61.1");
        var a2 = await lab.AddHostAsync(left, 11, gateway: "10.213.61.1");
        var a3 = await lab.AddHostAsync(left, 12, gateway: "10.213.61.1");
        var b1 = await lab.AddHostAsync(right, 10, gateway: "10.213.62.1");
        var b2 = await lab.AddHostAsync(right, 11, gateway: "10.213.62.1");
        var bridge = await lab.StartNodeAsync(b1, "right-1", Secret, ["--peer", $"{a1.Address}:7878"], s_fastPing, Ct);
        var others = new List<LabNode>
        {
            await lab.StartNodeAsync(a1, "left-1", Secret, environment: s_fastPing, cancellationToken: Ct),
            await lab.StartNodeAsync(a2, "left-2", Secret, environment: s_fastPing, cancellationToken: Ct),
            await lab.StartNodeAsync(a3, "left-3", Secret, environment: s_fastPing, cancellationToken: Ct),
            await lab.StartNodeAsync(b2, "right-2", Secret, environment: s_fastPing, cancellationToken: Ct),
        };
        await Labs.WaitForFullMeshAsync([bridge, .. others]);

        await bridge.KillAsync();

        await Wait.UntilAsync(async () =>
        {
            foreach (var node in others)
            {
                if (!await Labs.DroppedAsync(node, bridge))
                {
                    return false;
                }
            }

            return true;
        }, Labs.Timeout, "every other node to mark the killed bridging node down");
        // Several ping intervals (0.5 s; a link is dropped after 3 silent ones) with the bridge gone: the links across the
        // router stay up on their own.
        var downSince = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(downSince) < TimeSpan.FromSeconds(3))
        {
            foreach (var node in others)
            {
                Assert.True(await Labs.LinkedAsync(node, others.Where(o => o != node)), $"{node.Name} lost a link while the bridging node was down");
            }
        }

        await bridge.StartAsync(Ct);
        await Labs.WaitForFullMeshAsync([bridge, .. others]);
    }

    [Fact]
    public async Task WrongSecret_NeverAdmittedOnAnyNode()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(15);
        var hosts = new[] { await lab.AddHostAsync(network, 11), await lab.AddHostAsync(network, 12), await lab.AddHostAsync(network, 13) };
        var a = await lab.StartNodeAsync(hosts[0], "good-a", Secret, cancellationToken: Ct);
        var b = await lab.StartNodeAsync(hosts[1], "good-b", Secret, cancellationToken: Ct);
        // The intruder both broadcasts (with the wrong tag) and dials a good node directly.
        var intruder = await lab.StartNodeAsync(hosts[2], "intruder", "some-other-secret-0123456789", ["--peer", $"{hosts[0].Address}:7878"], cancellationToken: Ct);

        await Labs.WaitForFullMeshAsync([a, b]);
        await Wait.UntilAsync(() => a.Output.Contains("Refused to admit a node from 10.213.15.13", StringComparison.Ordinal), Labs.Timeout,
            "the intruder's join to be refused");

        foreach (var node in new[] { a, b })
        {
            var links = await node.LinkStatesAsync(Ct);
            Assert.NotNull(links);
            Assert.False(links.TryGetValue(intruder.NodeId!, out var state) && state == "up", $"{node.Name} linked to the intruder");
        }

        var intruderLinks = await intruder.LinkStatesAsync(Ct);
        Assert.NotNull(intruderLinks);
        Assert.DoesNotContain("up", intruderLinks.Values);
    }

    [Fact]
    public async Task LinkDownThenUp_DroppedThenLinkedAgain()
    {
        await using var lab = await Labs.CreateAsync();
        var nodes = await StartOnOneBridgeAsync(lab, subnet: 16, count: 3, s_fastPing);
        await Labs.WaitForFullMeshAsync(nodes);
        var cut = nodes[2];

        await NamespaceLab.SetLinkAsync(cut.Host, up: false);
        await Wait.UntilAsync(async () => await Labs.DroppedAsync(nodes[0], cut) && await Labs.DroppedAsync(nodes[1], cut),
            Labs.Timeout, "the silent node to be marked down");
        await NamespaceLab.SetLinkAsync(cut.Host, up: true);

        await Labs.WaitForFullMeshAsync(nodes);
    }
}
