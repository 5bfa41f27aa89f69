namespace MeshMind.Testing.Chaos;

/// <summary>Conditions on a lab mesh that chaos runs wait for, read from the nodes' own APIs.</summary>
public static class LabMesh
{
    /// <summary>Every node has an up link to every other.</summary>
    public static Task WaitForFullMeshAsync(IReadOnlyList<LabNode> nodes, TimeSpan timeout, CancellationToken cancellationToken) =>
        Poll.UntilAsync(async () =>
        {
            foreach (var node in nodes)
            {
                var links = await node.LinkStatesAsync(cancellationToken);
                if (links is null || !nodes.Where(o => o != node).All(o => links.TryGetValue(o.NodeId!, out var s) && s == "up"))
                {
                    return false;
                }
            }

            return true;
        }, timeout, $"a full mesh of {nodes.Count} nodes", cancellationToken);

    /// <summary>The node ids <paramref name="node"/>'s catalog (<c>GET /api/models</c>) gives for <paramref name="model"/>, sorted.</summary>
    public static async Task<List<string>> HostsOfModelAsync(LabNode node, string model, CancellationToken cancellationToken)
    {
        var catalog = await node.GetJsonAsync("/api/models", cancellationToken);
        return catalog?.EnumerateArray()
            .Where(m => m.GetProperty("name").GetString() == model)
            .SelectMany(m => m.GetProperty("nodes").EnumerateArray().Select(h => h.GetProperty("node_id").GetString()!))
            .Order(StringComparer.Ordinal).ToList() ?? [];
    }
}
