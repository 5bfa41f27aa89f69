using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using MeshMind.Auth;
using MeshMind.Discovery;
using MeshMind.Llm;
using MeshMind.Mesh;
using MeshMind.Node;
using MeshMind.Web;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary><c>meshmind config</c>: the configuration a node would run with, secrets masked, then every problem found.</summary>
internal static class ConfigReport
{
    private const string Masked = "***";

    /// <returns>0 when the configuration is valid, 2 otherwise.</returns>
    public static int Write(NodeLaunch launch)
    {
        var configuration = NodeConfiguration.Build(launch.CommandLine, launch.Environment, launch.WorkingDirectory, launch.BaseDirectory);
        using var provider = new ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration)
            .AddAllOptions()
            .BuildServiceProvider();

        var report = new JsonObject();
        var problems = new List<string>();
        var json = ConfigReportJsonContext.Default;
        Add(NodeOptions.Section, json.NodeOptions, o => { o["name"] = Value<NodeOptions>(provider).EffectiveName; });
        Add(HttpOptions.Section, json.HttpOptions);
        Add(MeshOptions.Section, json.MeshOptions, o =>
        {
            o["secret"] = o["secret"] is null ? "(generated at first start)" : Masked;
            o["previous_secrets"] = new JsonArray([.. o["previous_secrets"]!.AsArray().Select(_ => (JsonNode?)Masked)]);
        });
        Add(DiscoveryOptions.Section, json.DiscoveryOptions);
        Add(LlmOptions.Section, json.LlmOptions, o => o["open_ai_key"] = string.IsNullOrEmpty((string?)o["open_ai_key"]) ? "" : Masked);
        Add(Conversations.ConversationOptions.Section, json.ConversationOptions);
        Add(Files.FileOptions.Section, json.FileOptions);
        Add(Analytics.AnalyticsOptions.Section, json.AnalyticsOptions);
        Add(Telemetry.TelemetryOptions.Section, json.TelemetryOptions);
        Add(AuthOptions.Section, json.AuthOptions, o => o["password"] = o["password"] is null ? "(generated at first start)" : Masked);

        launch.Output.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        foreach (var problem in problems)
        {
            launch.Error.WriteLine("meshmind: error: " + problem);
        }

        return problems.Count == 0 ? 0 : 2;

        void Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
            string section, JsonTypeInfo<T> typeInfo, Action<JsonObject>? mask = null) where T : class
        {
            try
            {
                var node = JsonSerializer.SerializeToNode(Value<T>(provider), typeInfo)!.AsObject();
                mask?.Invoke(node);
                report[section] = node;
            }
            catch (OptionsValidationException ex)
            {
                problems.AddRange(ex.Failures);
                report[section] = "invalid";
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(StartupFailure.Describe(ex, configuration, null));
                report[section] = "invalid";
            }
        }
    }

    private static T Value<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceProvider provider)
        where T : class => provider.GetRequiredService<IOptions<T>>().Value;
}
