using System.Globalization;
using MeshMind.FakeOllama;
using MeshMind.Infrastructure;
using MeshMind.Llm.Local;
using MeshMind.Llm.Routing;
using MeshMind.Mesh.Peers;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Tests.Llm;

/// <summary>Starts real in-process nodes whose local LLM is a scripted Ollama fixture, or nothing at all.</summary>
public static class LlmNodes
{
    public const string Secret = "llm-test-secret-0123456789abcdef";
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    /// <summary>A loopback port nothing listens on: a node pointed here has no LLM.</summary>
    public const string NoLlm = "http://127.0.0.1:9";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<TestNode> StartAsync(string name, string ollamaUrl, TestNode[]? peers = null, Dictionary<string, string?>? extra = null)
    {
        var flags = new Dictionary<string, string?>
        {
            ["Node:Name"] = name,
            ["Llm:OllamaUrl"] = ollamaUrl,
            ["Llm:ProbeInterval"] = "00:00:00.200",
            ["Mesh:PingInterval"] = "00:00:00.500",
        };
        for (var i = 0; i < (peers?.Length ?? 0); i++)
        {
            flags[$"Mesh:Peers:{i}"] = $"127.0.0.1:{Service<BoundEndpoints>(peers![i]).MeshPort.ToString(CultureInfo.InvariantCulture)}";
        }

        foreach (var (key, value) in extra ?? [])
        {
            flags[key] = value;
        }

        return TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = Secret }, commandLine: flags);
    }

    public static T Service<T>(TestNode node) where T : notnull => node.App.Services.GetRequiredService<T>();

    public static string Id(TestNode node) => Service<MeshMind.Node.NodeInfo>(node).NodeId;

    /// <summary>Waits until <paramref name="node"/> can route to <paramref name="host"/>'s LLM (linked, capability known, access granted).</summary>
    public static Task UntilRoutableAsync(TestNode node, TestNode host) =>
        Wait.UntilAsync(() => Service<LlmHosts>(node).Candidates().Any(c => c.Host.NodeId == Id(host)), WaitLimit,
            $"{Id(node)[..6]} able to route to {Id(host)[..6]}");

    public static Task UntilLinkedAsync(TestNode node, TestNode other) =>
        Wait.UntilAsync(() => Service<PeerDirectory>(node).Find(Id(other)) is { LinkState: LinkState.Up }, WaitLimit,
            $"{Id(node)[..6]} linked to {Id(other)[..6]}");

    public static Task UntilLocalLlmAsync(TestNode node) =>
        Wait.UntilAsync(() => Service<LocalLlm>(node).Capability.HasLlm, WaitLimit, $"{Id(node)[..6]} found its local LLM");

    public static Task<FakeOllamaServer> FixtureAsync(FakeOllamaOptions? options = null) =>
        FakeOllamaServer.StartAsync(options, cancellationToken: Ct);

    public static FakeOllamaOptions Only(string model, bool loaded = true) => new()
    {
        Models = [new FakeModel(model, model.Split(':')[0], "1B", 1_000_000)],
        Loaded = loaded ? [model] : [],
    };
}
