using MeshMind.Mesh.Links;
using MeshMind.Testing.Overlay;

namespace MeshMind.Tests.Mesh;

/// <summary>
/// <c>Mesh:MaxLinks</c> (issue 20, past a full mesh): the node's own <see cref="LinkManager"/> on an in-memory transport
/// (<see cref="InMemoryMesh"/>), with real time: without a degree every node links to every other; with one, each node stops
/// dialling at the degree, accepts up to <see cref="LinkManager.AcceptFactor"/> times as many, and a refused dialler goes on to
/// the peers the refusal named.
/// </summary>
public sealed class MaxLinksTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NoDegree_FullMesh()
    {
        await using var mesh = new InMemoryMesh(TimeSpan.FromSeconds(5), maxLinks: 0);
        SimNode? previous = null;
        for (var i = 0; i < 6; i++)
        {
            previous = mesh.Add(previous); // a chain: each knows only the one before
        }

        await Task.WhenAll(mesh.Nodes.Select(n => n.StartAsync(TestContext.Current.CancellationToken)));

        await Poll.UntilAsync(() => mesh.Nodes.All(n => n.Links.Count == 5), s_timeout, "every node linked to the 5 others", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Degree_BoundsLinks_AndOverlayStaysConnected()
    {
        const int maxLinks = 3;
        await using var mesh = new InMemoryMesh(TimeSpan.FromSeconds(5), maxLinks);
        var random = new Random(20);
        for (var i = 0; i < 24; i++)
        {
            mesh.Add(i == 0 ? null : mesh.Nodes[random.Next(i)]); // each knows one node added before it
        }

        await Task.WhenAll(mesh.Nodes.Select(n => n.StartAsync(TestContext.Current.CancellationToken)));

        await Poll.UntilAsync(() => mesh.Nodes.All(n => n.Links.CountByDialler().Dialled >= maxLinks) && Connected(mesh), s_timeout,
            $"every node with {maxLinks} links it dialled, all connected", TestContext.Current.CancellationToken);
        // A node may dial past its degree its static peer and one peer that static peer's refusal named (a bridge).
        Assert.All(mesh.Nodes, n => Assert.InRange(n.Links.CountByDialler().Dialled, maxLinks, maxLinks + 2));
        Assert.All(mesh.Nodes, n => Assert.InRange(n.Links.CountByDialler().Accepted, 0, LinkManager.AcceptFactor * maxLinks));
        Assert.True(mesh.Nodes.Sum(n => n.Links.Count) / 2 < 24 * 23 / 2, "not a full mesh");
    }

    /// <summary>Seven nodes know only a hub that takes 2 links: those it refuses link only through the peers its refusal names.</summary>
    [Fact]
    public async Task Refused_DialsThePeersTheRefusalNamed()
    {
        await using var mesh = new InMemoryMesh(TimeSpan.FromSeconds(5), maxLinks: 1);
        var hub = mesh.Add(null);
        for (var i = 0; i < 7; i++)
        {
            mesh.Add(hub);
        }

        await Task.WhenAll(mesh.Nodes.Select(n => n.StartAsync(TestContext.Current.CancellationToken)));

        await Poll.UntilAsync(() => mesh.Nodes.All(n => n.Links.Count >= 1 && (n == hub || n.Links.CountByDialler().Dialled >= 1)), s_timeout,
            "every node linked, each but the hub by a link it dialled", TestContext.Current.CancellationToken);
        Assert.All(mesh.Nodes, n => Assert.InRange(n.Links.CountByDialler().Accepted, 0, LinkManager.AcceptFactor));
        // The hub took at most 2 of the 7: the others linked through the peers its refusals named, the only others they could know.
        Assert.InRange(hub.Links.CountByDialler().Accepted, 1, LinkManager.AcceptFactor);
    }

    private static bool Connected(InMemoryMesh mesh)
    {
        var byId = mesh.Nodes.ToDictionary(n => n.NodeId);
        var seen = new HashSet<string> { mesh.Nodes[0].NodeId };
        var queue = new Queue<SimNode>([mesh.Nodes[0]]);
        while (queue.TryDequeue(out var node))
        {
            foreach (var link in node.Links.All())
            {
                if (byId.TryGetValue(link.RemoteNodeId, out var next) && seen.Add(next.NodeId))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return seen.Count == mesh.Nodes.Count;
    }
}
