using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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

    /// <summary>
    /// Waits until <paramref name="node"/> is linked to <paramref name="other"/> and has its hello: a node that was dialled
    /// learns the dialler's mesh port only from it, and until then does not count the peer as one it can call
    /// (<c>Copy_ToAnotherNode_…</c> was answered "not a live peer" in that moment once, in CI).
    /// </summary>
    public static Task UntilLinkedAsync(TestNode node, TestNode other) =>
        Wait.UntilAsync(() => Service<PeerDirectory>(node).Find(Id(other)) is { LinkState: LinkState.Up, MeshPort: > 0, Addresses.Count: > 0 }, WaitLimit,
            $"{Id(node)[..6]} linked to {Id(other)[..6]}");

    public static Task UntilLocalLlmAsync(TestNode node) =>
        Wait.UntilAsync(() => Service<LocalLlm>(node).Capability.HasLlm, WaitLimit, $"{Id(node)[..6]} found its local LLM");

    public static Task<FakeOllamaServer> FixtureAsync(FakeOllamaOptions? options = null) =>
        FakeOllamaServer.StartAsync(options, cancellationToken: Ct);

    /// <summary>POSTs a streamed <c>/api/chat</c> and reads every NDJSON event until the end of the response.</summary>
    public static async Task<List<JsonElement>> StreamChatAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var events = new List<JsonElement>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        while (await reader.ReadLineAsync(Ct) is { } line)
        {
            events.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return events;
    }

    public static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    public static FakeOllamaOptions Only(string model, bool loaded = true) => new()
    {
        Models = [new FakeModel(model, model.Split(':')[0], "1B", 1_000_000)],
        Loaded = loaded ? [model] : [],
    };
}
