using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using MeshMind.FakeOllama;
using MeshMind.Llm;
using MeshMind.Llm.Local;
using MeshMind.Llm.Routing;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>The local LLM probe: an Ollama that starts later is found, one that goes away is dropped, and peers hear of both.</summary>
public sealed class ProbeTests
{
    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task OllamaStartingLater_IsFound_AndStoppingIsNoticed_ByThisNodeAndItsPeer()
    {
        var port = FreeTcpPort();
        await using var node = await StartAsync("late", $"http://127.0.0.1:{port}");
        await using var peer = await StartAsync("watcher", NoLlm, [node]);
        await UntilLinkedAsync(peer, node);
        using var client = await node.CreateLoggedInClientAsync();
        Assert.False(Service<LocalLlm>(node).Capability.HasLlm);

        var ollama = await FakeOllamaServer.StartAsync(null, "127.0.0.1", port, Ct);
        await UntilLocalLlmAsync(node);
        await UntilRoutableAsync(peer, node);
        Assert.True((await (await client.GetAsync("/api/status", Ct)).JsonAsync()).GetProperty("is_llm_host").GetBoolean());

        await ollama.DisposeAsync();
        await Wait.UntilAsync(() => !Service<LocalLlm>(node).Capability.HasLlm, WaitLimit, "the node to notice its Ollama stopped");
        await Wait.UntilAsync(() => Service<LlmHosts>(peer).Candidates().Count == 0, WaitLimit, "the peer to stop routing to it");
        using var onPeer = await peer.CreateLoggedInClientAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await onPeer.PostAsJsonAsync("/api/chat", new { message = "still there?" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task SlowProbes_KeepTheLlmOfferedAsLate_UntilThreeInARow_WhileARefusalDropsItAtOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var ollama = await FixtureAsync();
        await using var node = await TestNode.StartAsync(time: time, commandLine: new()
        {
            ["Llm:OllamaUrl"] = ollama.BaseAddress.ToString(),
            // The node's own probe loop runs once at start; the probes below are made by the test, on the fake clock.
            ["Llm:ProbeInterval"] = "00:10:00",
            ["Llm:ProbeTimeout"] = "00:00:03",
        });
        var local = Service<LocalLlm>(node);
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        // Ollama stops answering its listings (a busy machine, a model loading) but still answers chats.
        ollama.Options.ListDelay = Timeout.InfiniteTimeSpan;
        async Task<LlmCapability> TimedOutProbeAsync()
        {
            var asked = ollama.ListRequests;
            var probe = local.ProbeAsync(Ct);
            await Wait.UntilAsync(() => ollama.ListRequests > asked, WaitLimit, "the probe to reach Ollama");
            time.Advance(TimeSpan.FromSeconds(3));
            return await probe;
        }

        for (var late = 1; late < LocalLlm.FailedProbesToDrop; late++)
        {
            var capability = await TimedOutProbeAsync();
            Assert.True(capability is { HasLlm: true, ProbeLate: true }, $"after {late} late probe(s): {capability}");
            Assert.Single(Service<LlmHosts>(node).Candidates());
            var answer = await client.PostAsJsonAsync("/api/chat", new { message = $"still there after {late}?" }, Ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(Id(node), (await answer.JsonAsync()).GetProperty("host").GetProperty("node_id").GetString());
        }

        Assert.False((await TimedOutProbeAsync()).HasLlm);
        Assert.Empty(Service<LlmHosts>(node).Candidates());

        ollama.Options.ListDelay = TimeSpan.Zero;
        Assert.True(await local.ProbeAsync(Ct) is { HasLlm: true, ProbeLate: false });

        // Nothing listening is not a slow answer: one refused probe is enough.
        await ollama.DisposeAsync();
        Assert.False((await local.ProbeAsync(Ct)).HasLlm);
    }
}
