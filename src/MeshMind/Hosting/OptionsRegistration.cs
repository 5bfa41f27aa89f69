using MeshMind.Analytics;
using MeshMind.Auth;
using MeshMind.Conversations;
using MeshMind.Discovery;
using MeshMind.Files;
using MeshMind.Knowledge;
using MeshMind.Llm;
using MeshMind.Mesh;
using MeshMind.Node;
using MeshMind.Telemetry;
using MeshMind.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary>Every feature's options, bound and validated, without the features themselves (for <c>meshmind config</c>).</summary>
internal static class OptionsRegistration
{
    public static IServiceCollection AddAllOptions(this IServiceCollection services) => services
        .AddCrossChecks()
        .AddNodeOptions()
        .AddHttpOptions()
        .AddMeshOptions()
        .AddDiscoveryOptions()
        .AddLlmOptions()
        .AddAuthOptions()
        .AddConversationOptions()
        .AddFileOptions()
        .AddKnowledgeOptions()
        .AddAnalyticsOptions()
        .AddTelemetryOptions();

    /// <summary>Checks that involve more than one feature's options (the composition root is the one place that knows them all).</summary>
    public static IServiceCollection AddCrossChecks(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MeshOptions>, PortsValidator>());
        return services;
    }
}
