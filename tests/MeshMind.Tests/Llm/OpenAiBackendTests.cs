using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.Llm.Local;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// An OpenAI-compatible server as a node's local LLM. The server here is another MeshMind node's <c>/v1</c> API (itself
/// answered by the Ollama fixture), so every part on the path is real.
/// </summary>
public sealed class OpenAiBackendTests
{
    private static async Task<string> KeyAsync(TestNode node)
    {
        using var client = await node.CreateLoggedInClientAsync();
        var created = await (await client.PostAsJsonAsync("/api/keys", new { name = "backend" }, Ct)).JsonAsync();
        return created.GetProperty("key").GetString()!;
    }

    private static Dictionary<string, string?> OpenAi(TestNode server, string key) => new()
    {
        ["Llm:Backend"] = "openai",
        ["Llm:OpenAiUrl"] = new Uri(server.BaseAddress, "v1").ToString(),
        ["Llm:OpenAiKey"] = key,
    };

    [Fact]
    public async Task NodeWithAnOpenAiBackend_ListsItsModels_StreamsAnswers_AndServesPeers()
    {
        await using var ollama = await FixtureAsync();
        await using var server = await StartAsync("server", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(server);
        var key = await KeyAsync(server);
        await using var node = await StartAsync("openai-node", NoLlm, extra: OpenAi(server, key));
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        var models = await (await client.GetAsync("/api/models", Ct)).JsonAsync();
        // The server's /v1/models lists the fixture's models; here they are this node's own.
        Assert.Equal(ollama.Options.Models.Select(m => m.Name).Order(),
            models.EnumerateArray().Select(m => m.GetProperty("name").GetString()!).Order());
        Assert.All(models.EnumerateArray(),
            m => Assert.Equal(Id(node), Assert.Single(m.GetProperty("nodes").EnumerateArray()).GetProperty("node_id").GetString()));

        var answer = await (await client.PostAsJsonAsync("/api/chat", new { message = "hello there" }, Ct)).JsonAsync();
        Assert.Equal("Echo from llama3:latest: hello there", answer.GetProperty("response").GetString());
        Assert.Equal(Id(node), answer.GetProperty("host").GetProperty("node_id").GetString());
        var exchange = (await (await client.GetAsync("/api/local", Ct)).JsonAsync()).GetProperty("exchanges")[0];
        Assert.True(exchange.GetProperty("completion_tokens").GetInt32() > 0);

        // Ollama's own streaming shape through the translation: token lines, then one done line with counts.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ollama/api/chat")
        {
            Content = JsonContent.Create(new { model = "llama3", messages = new[] { new { role = "user", content = "count these words" } } }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(lines.Count > 2);
        Assert.All(lines[..^1], l => Assert.False(l.GetProperty("done").GetBoolean()));
        Assert.True(lines[^1].GetProperty("done").GetBoolean());
        Assert.True(lines[^1].GetProperty("eval_count").GetInt64() > 0);
        Assert.Equal("Echo from llama3:latest: count these words",
            string.Concat(lines.Select(l => l.GetProperty("message").GetProperty("content").GetString())));

        // A peer without an LLM is served by this node, through its OpenAI backend.
        await using var peer = await StartAsync("thin", NoLlm, [node]);
        await UntilRoutableAsync(peer, node);
        using var onPeer = await peer.CreateLoggedInClientAsync();
        var delegated = await (await onPeer.PostAsJsonAsync("/api/chat", new { message = "via the mesh" }, Ct)).JsonAsync();
        Assert.Equal("Echo from llama3:latest: via the mesh", delegated.GetProperty("response").GetString());
        Assert.Equal("openai-node", delegated.GetProperty("host").GetProperty("name").GetString());
        Assert.Equal(3, ollama.Completed);
    }

    /// <summary>
    /// Issue 20, point 4: a node in front of a distributed engine (vLLM, llama.cpp's server) is a host like any other. The engine
    /// here answers slowly and several requests at once: the OpenAI-protocol server is a node over the Ollama fixture's
    /// simulated GPU (4 slots, a few tokens a second per stream).
    /// </summary>
    [Fact]
    public async Task SlowParallelOpenAiServer_AnswersThisNodesAndItsPeersChats_SeveralAtOnce_NeverPastItsSlots()
    {
        await using var ollama = await FixtureAsync(new()
        {
            Gpu = new FakeOllama.GpuOptions { Slots = 4, TokensPerSecond = 10, LoadTime = TimeSpan.Zero },
        });
        var parallel = new Dictionary<string, string?> { ["Llm:MaxParallel"] = "4" };
        await using var server = await StartAsync("engine", ollama.BaseAddress.ToString(), extra: parallel);
        await UntilLocalLlmAsync(server);
        var key = await KeyAsync(server);
        await using var node = await StartAsync("openai-node", NoLlm, extra: new(OpenAi(server, key).Concat(parallel)));
        await UntilLocalLlmAsync(node);
        await using var peer = await StartAsync("thin", NoLlm, [node]);
        await UntilRoutableAsync(peer, node);
        using var onNode = await node.CreateLoggedInClientAsync();
        using var onPeer = await peer.CreateLoggedInClientAsync();
        var gpu = ollama.Gpu!;

        var chats = Enumerable.Range(0, 8).Select(i => (Client: i % 2 == 0 ? onNode : onPeer, Question: $"question number {i}"))
            .Select(async chat =>
            {
                using var response = await chat.Client.PostAsJsonAsync("/api/chat", new { message = chat.Question }, Ct);
                return (chat.Question, Answer: await response.JsonAsync());
            }).ToList();
        await Wait.UntilAsync(() => gpu.Active == 4, WaitLimit, "the engine answering four chats at once");
        var answered = await Task.WhenAll(chats);

        Assert.All(answered, a => Assert.Equal($"Echo from llama3:latest: {a.Question}", a.Answer.GetProperty("response").GetString()));
        Assert.All(answered, a => Assert.Equal("openai-node", a.Answer.GetProperty("host").GetProperty("name").GetString()));
        Assert.Equal(8, ollama.Completed);
        Assert.Equal(0, gpu.Rejected);
        // The node sends the engine no more than its four slots: the others wait in MeshMind, not in the engine's queue.
        Assert.Equal(4, gpu.MostHeld);
    }

    [Fact]
    public async Task WrongKey_MeansNoLlm_AndTheKeyIsNeverShown()
    {
        await using var ollama = await FixtureAsync();
        await using var server = await StartAsync("server", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(server);
        const string wrong = "mm_this-key-does-not-exist-0123456789";
        await using var node = await StartAsync("openai-node", NoLlm, extra: OpenAi(server, wrong));

        var capability = await Service<LocalLlm>(node).ProbeAsync(Ct);

        Assert.False(capability.HasLlm);
        Assert.DoesNotContain(wrong, node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAiBackend_WithoutAUrl_StopsTheNodeNamingTheSetting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync("bad", NoLlm, extra: new() { ["Llm:Backend"] = "openai" }));
        Assert.Contains("Llm:OpenAiUrl", error.ToString(), StringComparison.Ordinal);
    }
}
