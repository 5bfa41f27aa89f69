using MeshMind.Llm;
using MeshMind.Llm.Models;
using MeshMind.Llm.Routing;

namespace MeshMind.Tests.Llm;

/// <summary>How the inventory groups what each node has: by name as Ollama compares names, and by digest.</summary>
public sealed class ModelInventoryTests
{
    private static readonly string A = new('a', 64);
    private static readonly string B = new('b', 64);

    private static LlmCandidate Node(string id, bool local, params ModelInfo[] models) =>
        new(new LlmHost(id, "node-" + id, "127.0.0.1", true, local), new LlmCapability(true, models, 0, 1, null, null), 0, null, BreakerState.Closed);

    private static ModelInfo Model(string name, string digest, bool loaded = false) => new(name, loaded, 10, "llama", "8B", digest, "Q4_0");

    [Fact]
    public void Of_SameNameSameDigest_OneEntryWithBothNodes_ThisNodeFirst()
    {
        var inventory = ModelInventory.Of([Node("p", false, Model("llama3:latest", A, loaded: true)), Node("h", true, Model("llama3", A))]);

        var entry = Assert.Single(inventory);
        Assert.Equal(A, entry.Digest);
        Assert.Equal(["h", "p"], entry.Nodes.Select(n => n.NodeId).ToArray());
        Assert.Equal([false, true], entry.Nodes.Select(n => n.Loaded).ToArray());
        Assert.True(entry.Nodes[0].Local);
    }

    [Fact]
    public void Of_SameNameOtherDigest_TwoEntries_TheOneMoreNodesHaveFirst()
    {
        var inventory = ModelInventory.Of([Node("h", true, Model("llama3:latest", B)), Node("p", false, Model("llama3:latest", A)), Node("q", false, Model("llama3:latest", A))]);

        Assert.Equal([A, B], inventory.Select(m => m.Digest).ToArray());
        Assert.Equal(2, inventory[0].Nodes.Count);
        Assert.Equal(A, Assert.Single(ModelInventory.ByName(inventory)).Digest);
    }

    [Fact]
    public void Of_NodesThatSentNoDigest_ListedTogetherUnderAnEmptyDigest()
    {
        var inventory = ModelInventory.Of([Node("p", false, Model("phi3:mini", "")), Node("q", false, Model("phi3:mini", "")), Node("h", true, Model("phi3:mini", A))]);

        Assert.Equal(2, inventory.Count);
        Assert.Equal(2, Assert.Single(inventory, m => m.Digest.Length == 0).Nodes.Count);
    }
}
