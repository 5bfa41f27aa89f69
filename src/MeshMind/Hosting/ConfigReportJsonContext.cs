using System.Text.Json.Serialization;
using MeshMind.Auth;
using MeshMind.Discovery;
using MeshMind.Llm;
using MeshMind.Mesh;
using MeshMind.Node;
using MeshMind.Web;

namespace MeshMind.Hosting;

/// <summary>
/// The options classes as <c>meshmind config</c> prints them (snake_case, every public property, computed ones too),
/// source-generated so the report needs no reflection and survives trimming and Native AOT.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NodeOptions))]
[JsonSerializable(typeof(HttpOptions))]
[JsonSerializable(typeof(MeshOptions))]
[JsonSerializable(typeof(DiscoveryOptions))]
[JsonSerializable(typeof(LlmOptions))]
[JsonSerializable(typeof(Conversations.ConversationOptions))]
[JsonSerializable(typeof(Files.FileOptions))]
[JsonSerializable(typeof(Analytics.AnalyticsOptions))]
[JsonSerializable(typeof(Telemetry.TelemetryOptions))]
[JsonSerializable(typeof(AuthOptions))]
internal sealed partial class ConfigReportJsonContext : JsonSerializerContext;
