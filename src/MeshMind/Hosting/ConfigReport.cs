using System.Text.Json;
using System.Text.Json.Nodes;
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
        Add<NodeOptions>(NodeOptions.Section, o => { o["name"] = ((NodeOptions)Value<NodeOptions>(provider)!).EffectiveName; });
        Add<HttpOptions>(HttpOptions.Section);
        Add<MeshOptions>(MeshOptions.Section, o =>
        {
            o["secret"] = o["secret"] is null ? "(generated at first start)" : Masked;
            o["previous_secrets"] = new JsonArray([.. o["previous_secrets"]!.AsArray().Select(_ => (JsonNode?)Masked)]);
        });
        Add<DiscoveryOptions>(DiscoveryOptions.Section);
        Add<LlmOptions>(LlmOptions.Section, o => o["open_ai_key"] = string.IsNullOrEmpty((string?)o["open_ai_key"]) ? "" : Masked);
        Add<Conversations.ConversationOptions>(Conversations.ConversationOptions.Section);
        Add<Files.FileOptions>(Files.FileOptions.Section);
        Add<Analytics.AnalyticsOptions>(Analytics.AnalyticsOptions.Section);
        Add<Telemetry.TelemetryOptions>(Telemetry.TelemetryOptions.Section);
        Add<AuthOptions>(AuthOptions.Section, o => o["password"] = o["password"] is null ? "(generated at first start)" : Masked);

        launch.Output.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        foreach (var problem in problems)
        {
            launch.Error.WriteLine("meshmind: error: " + problem);
        }

        return problems.Count == 0 ? 0 : 2;

        void Add<T>(string section, Action<JsonObject>? mask = null) where T : class
        {
            try
            {
                var node = JsonSerializer.SerializeToNode(Value<T>(provider), ReportJson.Options)!.AsObject();
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

    private static object? Value<T>(IServiceProvider provider) where T : class => provider.GetRequiredService<IOptions<T>>().Value;
}
