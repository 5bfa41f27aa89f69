namespace MeshMind.Llm;

/// <summary>One model name in the mesh and the nodes that serve it, as the router and <c>/v1/models</c> see it (the inventory with digests is <see cref="Models.ModelInventory"/>).</summary>
internal sealed record CatalogModel(string Name, IReadOnlyList<CatalogHost> Hosts)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public ModelInfo? Details { get; init; }
}

internal sealed record CatalogHost(string NodeId, string Name, bool Local, bool Loaded);
