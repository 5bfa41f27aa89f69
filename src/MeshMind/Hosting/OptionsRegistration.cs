using MeshMind.Analytics;
using MeshMind.Auth;
using MeshMind.Conversations;
using MeshMind.Discovery;
using MeshMind.Files;
using MeshMind.Llm;
using MeshMind.Mesh;
using MeshMind.Node;
using MeshMind.Telemetry;
using MeshMind.Web;

namespace MeshMind.Hosting;

/// <summary>Every feature's options, bound and validated, without the features themselves (for <c>meshmind config</c>).</summary>
internal static class OptionsRegistration
{
    public static IServiceCollection AddAllOptions(this IServiceCollection services) => services
        .AddNodeOptions()
        .AddHttpOptions()
        .AddMeshOptions()
        .AddDiscoveryOptions()
        .AddLlmOptions()
        .AddAuthOptions()
        .AddConversationOptions()
        .AddFileOptions()
        .AddAnalyticsOptions()
        .AddTelemetryOptions();
}
