using System.Net;
using MeshMind.Diagnostics.Resources;
using MeshMind.Infrastructure;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Diagnostics;

/// <summary>
/// Issue 18 (point 2): each node reports its own process figures to admitted peers (<c>GET /mesh/resources</c>) and to an
/// authenticated API (<c>GET /api/resources</c>, which asks every linked peer too).
/// </summary>
public sealed class ResourcesTests
{
    [Fact]
    public async Task ApiResources_NamesThisNodeFirst_ThenEachLinkedPeer_WithItsOwnFigures_AndNeedsLogin()
    {
        await using var b = await StartAsync("bravo", NoLlm);
        await using var a = await StartAsync("alpha", NoLlm, [b]);
        await UntilLinkedAsync(a, b);
        using var anonymous = a.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/resources", Ct)).StatusCode);
        using var client = await a.CreateLoggedInClientAsync();

        var response = await client.GetAsync("/api/resources", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        var nodes = json.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal([Id(a), Id(b)], nodes.Select(n => n.GetProperty("node_id").GetString()));
        Assert.Equal(["alpha", "bravo"], nodes.Select(n => n.GetProperty("name").GetString()));
        Assert.Empty(json.GetProperty("missing").EnumerateArray());
        foreach (var node in nodes)
        {
            Assert.True(node.GetProperty("cpu_seconds").GetDouble() > 0);
            Assert.True(node.GetProperty("cpu_percent").GetDouble() >= 0);
            Assert.True(node.GetProperty("working_set_bytes").GetInt64() > 1_000_000);
            Assert.True(node.GetProperty("managed_heap_bytes").GetInt64() > 0);
            Assert.True(node.GetProperty("threads").GetInt32() > 0);
            Assert.Equal(Environment.ProcessorCount, node.GetProperty("cores").GetInt32());
            Assert.Equal(NodeInfo.Version, node.GetProperty("version").GetString());
            // Each counts its own link's bytes: the peer's figures are its own, not this node's copied.
            Assert.True(node.GetProperty("network_bytes").GetProperty("links.in").GetInt64() > 0);
        }

        var bLinkBytes = Service<TrafficMetrics>(b).Totals()["links.out"];
        Assert.InRange(nodes[1].GetProperty("network_bytes").GetProperty("links.out").GetInt64(), 1, bLinkBytes);
    }

    [Fact]
    public async Task CpuPercent_IsTheShareOfOneCoreOverAtLeastASecond_AskedMoreOftenItRepeatsTheLastWindow()
    {
        await using var node = await StartAsync("meter", NoLlm);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var cpu = 10.0;
        var meter = new ResourceMeter(Service<NodeInfo>(node), Service<TrafficMetrics>(node), time) { CpuSeconds = () => cpu };

        var first = meter.Read();
        Assert.Equal(10.0, first.CpuSeconds);
        Assert.True(first.CpuPercent > 0); // since the node started

        cpu += 0.5;
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(first.CpuPercent, meter.Read().CpuPercent); // under a second: the last window's share again

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(50.0, meter.Read().CpuPercent); // 0.5 s of CPU in 1 s

        cpu += 3;
        time.Advance(TimeSpan.FromSeconds(2));
        var busy = meter.Read();
        Assert.Equal(150.0, busy.CpuPercent); // one and a half cores
        Assert.Equal(13.5, busy.CpuSeconds);
    }
}
