using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Llm.Models;

internal static class ModelCopyServiceCollectionExtensions
{
    /// <summary>Copying models between nodes' Ollamas: the models directory, the copier, its metrics.</summary>
    public static IServiceCollection AddModelCopy(this IServiceCollection services)
    {
        services.TryAddSingleton<OllamaModelsDirectory>();
        services.TryAddSingleton<ModelCopyMetrics>();
        services.TryAddSingleton<ModelCopier>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(ModelCopyJsonContext.Default));
        return services;
    }
}
