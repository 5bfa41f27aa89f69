using MeshMind.Testing.Chaos;

namespace MeshMind.Tests.Namespaces;

/// <summary>What every namespace lab test does: get a lab (or skip, or fail where labs are required) and wait on link states.</summary>
public static class Labs
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh lab; skips the test where namespaces cannot be made, unless <c>MESHMIND_REQUIRE_NETNS=1</c> says they must.</summary>
    public static async Task<NamespaceLab> CreateAsync()
    {
        if (await NamespaceLab.UnavailableAsync() is { } reason)
        {
            if (Environment.GetEnvironmentVariable("MESHMIND_REQUIRE_NETNS") == "1")
            {
                Assert.Fail($"namespace tests are required here but cannot run: {reason}");
            }

            Assert.Skip($"Skipped: {reason}. Run the README's test command as root to include these tests.");
        }

        return await NamespaceLab.CreateAsync();
    }

    public static async Task<bool> LinkedAsync(LabNode node, IEnumerable<LabNode> others)
    {
        var links = await node.LinkStatesAsync(Ct);
        return links is not null && others.All(o => links.TryGetValue(o.NodeId!, out var s) && s == "up");
    }

    /// <summary>Dropped: the link is no longer up ("down", or "connecting" while a reconnect attempt runs).</summary>
    public static async Task<bool> DroppedAsync(LabNode node, LabNode other)
    {
        var links = await node.LinkStatesAsync(Ct);
        return links is not null && links.TryGetValue(other.NodeId!, out var s) && s != "up";
    }

    public static async Task WaitForFullMeshAsync(List<LabNode> nodes)
    {
        try
        {
            await LabMesh.WaitForFullMeshAsync(nodes, Timeout, Ct);
        }
        catch (TimeoutException ex)
        {
            Assert.Fail(ex.Message);
        }
    }
}
