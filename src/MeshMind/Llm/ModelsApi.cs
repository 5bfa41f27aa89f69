using System.Text.Json.Serialization;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm;

/// <summary><c>GET /api/models</c>: every model the mesh serves, with the nodes that serve it.</summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/models", (LlmHosts hosts) =>
            TypedResults.Json(new ModelCatalogResponse(hosts.Catalog()), ModelsJsonContext.Default.ModelCatalogResponse))
            .Produces<ModelCatalogResponse>();
        return endpoints;
    }
}

internal sealed record ModelCatalogResponse(IReadOnlyList<CatalogModel> Models);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ModelCatalogResponse))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext;
