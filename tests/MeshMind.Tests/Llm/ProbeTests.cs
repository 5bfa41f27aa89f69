using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using MeshMind.FakeOllama;
using MeshMind.Llm;
using MeshMind.Tests.Infrastructure;
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
        await Wait.UntilAsync(() => Service<LlmRouter>(peer).Candidates().Count == 0, WaitLimit, "the peer to stop routing to it");
        using var onPeer = await peer.CreateLoggedInClientAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await onPeer.PostAsJsonAsync("/api/chat", new { message = "still there?" }, Ct)).StatusCode);
    }
}
