namespace MeshMind.Llm;

/// <summary>One model in the mesh and the nodes that serve it (<c>GET /api/models</c>).</summary>
internal sealed record CatalogModel(string Name, IReadOnlyList<CatalogHost> Hosts)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public ModelInfo? Details { get; init; }
}

internal sealed record CatalogHost(string NodeId, string Name, bool Local, bool Loaded);
