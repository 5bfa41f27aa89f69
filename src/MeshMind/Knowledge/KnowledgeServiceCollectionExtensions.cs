using MeshMind.Knowledge.Api;
using MeshMind.Knowledge.Embeddings;
using MeshMind.Knowledge.Index;
using MeshMind.Knowledge.Search;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Knowledge;

internal static class KnowledgeServiceCollectionExtensions
{
    /// <summary>The full-text index of this node's shared files and their embeddings, kept in step in the background, and search across the mesh.</summary>
    public static IServiceCollection AddKnowledge(this IServiceCollection services)
    {
        services.AddKnowledgeOptions();
        services.TryAddSingleton<KnowledgeMetrics>();
        services.TryAddSingleton<KnowledgeIndex>();
        services.TryAddSingleton<KnowledgeIndexer>();
        services.AddHostedService(provider => provider.GetRequiredService<KnowledgeIndexer>());
        services.TryAddSingleton<KnowledgeEmbeddings>();
        services.TryAddSingleton<KnowledgeEmbedder>();
        services.AddHostedService(provider => provider.GetRequiredService<KnowledgeEmbedder>());
        services.TryAddSingleton<MeshSearch>();
        services.TryAddSingleton<Answers.KnowledgeContext>();
        services.TryAddSingleton<Llm.IChatGrounding, Answers.KnowledgeGrounding>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(SearchJsonContext.Default));
        return services;
    }

    internal static IServiceCollection AddKnowledgeOptions(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KnowledgeOptions>, KnowledgeOptionsValidator>());
        return services;
    }
}
