using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Evaluation;

internal static class EvaluationServiceCollectionExtensions
{
    /// <summary>The Evaluate screen's runs of <c>meshmind-lab eval</c> (<c>/api/evaluations</c>); meshmind-lab is looked for beside the node.</summary>
    public static IServiceCollection AddEvaluation(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => new LabProgram(AppContext.BaseDirectory));
        services.TryAddSingleton<Evaluations>();
        services.AddHostedService(provider => provider.GetRequiredService<Evaluations>());
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(EvaluationJsonContext.Default));
        return services;
    }
}
