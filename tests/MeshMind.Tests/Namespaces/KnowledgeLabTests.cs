using System.Diagnostics;
using System.Text.Json;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>Search across real <c>meshmind</c> processes in network namespaces (root): found from another node within seconds; revoked and dead peers.</summary>
[Collection(nameof(NamespaceLabs))]
public sealed class KnowledgeLabTests
{
    private const string Secret = "knowledge-lab-secret-0123456789ab";
    private static readonly Dictionary<string, string> s_fast = new() { ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> SearchAsync(LabNode node, string query) =>
        (await node.GetJsonAsync($"/api/search?q={Uri.EscapeDataString(query)}", Ct)) ?? throw new InvalidOperationException($"{node.Name} did not answer /api/search");

    private static List<string?> Nodes(JsonElement result) => [.. result.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("node_id").GetString())];

    private static List<string?> Missing(JsonElement result) => [.. result.GetProperty("missing").EnumerateArray().Select(m => m.GetString())];

    [Fact]
    public async Task UploadOnA_FoundFromCWithinSeconds_RevokedPeersHitsDisappear_KilledPeerIsMissing()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(51);
        var nodes = new List<LabNode>();
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(await lab.StartNodeAsync(await lab.AddHostAsync(network, 11 + i), $"know{i + 1}", Secret, [], s_fast, Ct));
        }

        await Labs.WaitForFullMeshAsync(nodes);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("a.txt"), "Q3 report: the zebra project cut customer churn to 3 percent.", Ct);
        await File.WriteAllTextAsync(dir.Combine("b.txt"), "Field notes: a zebra herd crossed the river at dawn.", Ct);

        Assert.Equal(201, await a.UploadAsync(dir.Combine("a.txt"), "q3-report.txt", Ct));
        var clock = Stopwatch.StartNew();
        await Wait.UntilAsync(async () => Nodes(await SearchAsync(c, "churn")).Contains(a.NodeId), Labs.Timeout, "A's report found from C");
        var foundAfter = clock.Elapsed;
        Assert.True(foundAfter < TimeSpan.FromSeconds(5), $"found from C after {foundAfter} (includes curl polling)");

        Assert.Equal(201, await b.UploadAsync(dir.Combine("b.txt"), "field-notes.txt", Ct));
        await Wait.UntilAsync(async () => Nodes(await SearchAsync(c, "zebra")).Order().SequenceEqual(new[] { a.NodeId, b.NodeId }.Order()),
            Labs.Timeout, "both files found from C");

        // C revokes B: B's file is no longer searched, and B is not "missing" (it is shut out, not away).
        Assert.Equal(204, (await c.PostJsonAsync($"/api/peers/{b.NodeId}/revoke", "{}", TimeSpan.FromSeconds(10), cancellationToken: Ct)).Status);
        JsonElement revoked = default;
        await Wait.UntilAsync(async () => !Nodes(revoked = await SearchAsync(c, "zebra")).Contains(b.NodeId), Labs.Timeout, "B's hits gone from C");
        Assert.Equal([a.NodeId], Nodes(revoked));
        Assert.DoesNotContain(b.NodeId, Missing(revoked));

        // A dies: its hits go and it is reported missing, never an error.
        await a.KillAsync();
        JsonElement dead = default;
        await Wait.UntilAsync(async () => Missing(dead = await SearchAsync(c, "zebra")).Contains(a.NodeId), Labs.Timeout, "A missing from C's search");
        Assert.Empty(Nodes(dead));
    }
}
