using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>Chat through real nodes in this process: local hosting, delegation over the mesh, failover and its limits.</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task LocalLlm_AnswersAndSavesTheExchangeWithHostInfo()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();
        Assert.True((await (await client.GetAsync("/api/status", Ct)).JsonAsync()).GetProperty("is_llm_host").GetBoolean());

        var response = await client.PostAsJsonAsync("/api/chat", new { message = "hello there" }, Ct);
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Echo from llama3:latest: hello there", body.GetProperty("response").GetString());
        Assert.Equal("llama3:latest", body.GetProperty("model").GetString());
        Assert.Equal(Id(node), body.GetProperty("host").GetProperty("node_id").GetString());
        Assert.Equal("solo", body.GetProperty("host").GetProperty("name").GetString());
        Assert.True(body.GetProperty("host").GetProperty("has_llm").GetBoolean());
        Assert.True(body.GetProperty("latency_ms").GetDouble() > 0);
        var id = body.GetProperty("conversation_id").GetString();

        var saved = await (await client.GetAsync($"/api/conversations/{id}", Ct)).JsonAsync();
        var exchange = Assert.Single(saved.GetProperty("exchanges").EnumerateArray());
        Assert.Equal("hello there", exchange.GetProperty("question").GetString());
        Assert.Equal("Echo from llama3:latest: hello there", exchange.GetProperty("answer").GetString());
        Assert.Equal(Id(node), exchange.GetProperty("host").GetProperty("node_id").GetString());
        Assert.False(string.IsNullOrEmpty(exchange.GetProperty("host").GetProperty("ip").GetString()));
        Assert.True(exchange.GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, exchange.GetProperty("error").ValueKind);
        var local = await (await client.GetAsync("/api/local", Ct)).JsonAsync();
        Assert.Equal(exchange.GetProperty("id").GetString(), Assert.Single(local.GetProperty("exchanges").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task MultiTurn_EarlierTurnsAreSentAsContext()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        var first = await (await client.PostAsJsonAsync("/api/chat", new { message = "my name is Ada" }, Ct)).JsonAsync();
        var id = first.GetProperty("conversation_id").GetString();
        var second = await client.PostAsJsonAsync("/api/chat", new { message = "what is my name?", conversation_id = id }, Ct);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(id, (await second.JsonAsync()).GetProperty("conversation_id").GetString());
        var messages = ollama.LastRequest!["messages"]!.AsArray().Select(m => (Role: m!["role"]!.GetValue<string>(), Content: m["content"]!.GetValue<string>())).ToList();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m.Role).ToArray());
        Assert.Equal("my name is Ada", messages[1].Content);
        Assert.Equal("Echo from llama3:latest: my name is Ada", messages[2].Content);
        Assert.Equal("what is my name?", messages[3].Content);
        var conversation = await (await client.GetAsync($"/api/conversations/{id}", Ct)).JsonAsync();
        Assert.Equal(2, conversation.GetProperty("exchanges").GetArrayLength());

        var unknown = await client.PostAsJsonAsync("/api/chat", new { message = "hi", conversation_id = "c_doesnotexist" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task NodeWithoutLlm_StreamsAnAnswerFromAPeer_AndTheHistoryReachesThePeer()
    {
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { TokenDelay = TimeSpan.FromMilliseconds(5) });
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString());
        await using var thin = await StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var client = await thin.CreateLoggedInClientAsync();

        var events = await StreamChatAsync(client, new { message = "tell me a story", stream = true });

        Assert.Equal("start", Type(events[0]));
        Assert.Equal(Id(host), events[0].GetProperty("host").GetProperty("node_id").GetString());
        Assert.Equal("host", events[0].GetProperty("host").GetProperty("name").GetString());
        var tokens = events.Where(e => Type(e) == "token").Select(e => e.GetProperty("content").GetString()).ToList();
        Assert.True(tokens.Count > 3, $"expected several token events, got {tokens.Count}");
        var done = events[^1];
        Assert.Equal("done", Type(done));
        Assert.Equal("Echo from llama3:latest: tell me a story", string.Concat(tokens));
        Assert.Equal(string.Concat(tokens), done.GetProperty("response").GetString());

        // The thin node's history is shared with the host over the link.
        using var hostClient = await host.CreateLoggedInClientAsync();
        await Wait.UntilAsync(async () =>
        {
            var response = await hostClient.GetAsync($"/api/peers/{Id(thin)}/conversations", Ct);
            return response.StatusCode == HttpStatusCode.OK
                && (await response.JsonAsync()).GetProperty("exchanges").EnumerateArray().Any(e => e.GetProperty("question").GetString() == "tell me a story");
        }, WaitLimit, "the host to receive the thin node's exchange");
    }

    [Fact]
    public async Task BurstOf32Chats_ThroughAPeerWithNoConnectionYet_AllAnswered()
    {
        // Before chats to a peer shared one HTTP/2 connection, a burst opened one connection per chat and the peer's
        // gate refused those beyond its limit of unauthenticated connections per address.
        await using var ollama = await FixtureAsync();
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString());
        await using var thin = await StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var client = await thin.CreateLoggedInClientAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => client.PostAsJsonAsync("/ollama/api/chat",
            new { model = "llama3", messages = new[] { new { role = "user", content = $"burst {i}" } }, stream = false }, Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(32, ollama.Completed);
    }

    [Fact]
    public async Task ModelAwareChoice_EachModelGoesToTheNodeThatHasIt()
    {
        await using var phi = await FixtureAsync(Only("phi3:mini"));
        await using var llama = await FixtureAsync(Only("llama3:latest"));
        await using var b = await StartAsync("b", llama.BaseAddress.ToString());
        await using var a = await StartAsync("a", phi.BaseAddress.ToString(), [b]);
        await UntilLocalLlmAsync(a);
        await UntilRoutableAsync(a, b);
        using var client = await a.CreateLoggedInClientAsync();

        var viaPeer = await (await client.PostAsJsonAsync("/api/chat", new { message = "x", model = "llama3" }, Ct)).JsonAsync();
        var local = await (await client.PostAsJsonAsync("/api/chat", new { message = "x", model = "phi3:mini" }, Ct)).JsonAsync();
        var missing = await client.PostAsJsonAsync("/api/chat", new { message = "x", model = "mistral" }, Ct);

        Assert.Equal(Id(b), viaPeer.GetProperty("host").GetProperty("node_id").GetString());
        Assert.Equal("llama3:latest", viaPeer.GetProperty("model").GetString());
        Assert.Equal(Id(a), local.GetProperty("host").GetProperty("node_id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("mistral", (await missing.JsonAsync()).GetProperty("error").GetString());

        var catalog = await (await client.GetAsync("/api/models", Ct)).JsonAsync();
        var models = catalog.EnumerateArray().ToDictionary(
            m => m.GetProperty("name").GetString()!, m => m.GetProperty("nodes").EnumerateArray().Select(h => h.GetProperty("node_id").GetString()!).ToArray());
        Assert.Equal([Id(b)], models["llama3:latest"]);
        Assert.Equal([Id(a)], models["phi3:mini"]);
    }

    [Fact]
    public async Task FailsOver_BeforeTheFirstToken_AndAPeerNeverDelegatesAgain()
    {
        // b claims the model loaded, so it is tried first, but its Ollama answers 500. c has it too, not loaded.
        await using var broken = await FixtureAsync(new FakeOllamaOptions { Fault = FakeFault.ServerError });
        await using var healthy = await FixtureAsync(new FakeOllamaOptions { Loaded = [] });
        await using var c = await StartAsync("c", healthy.BaseAddress.ToString());
        await using var b = await StartAsync("b", broken.BaseAddress.ToString(), [c]);
        await using var a = await StartAsync("a", NoLlm, [b, c]);
        await UntilRoutableAsync(a, b);
        await UntilRoutableAsync(a, c);
        await UntilRoutableAsync(b, c);
        using var client = await a.CreateLoggedInClientAsync();

        var response = await client.PostAsJsonAsync("/api/chat", new { message = "anyone?" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        // Had b passed a's request on to c, a would see b as the host.
        Assert.Equal(Id(c), body.GetProperty("host").GetProperty("node_id").GetString());
        Assert.Equal(1, broken.Requests);
        Assert.Equal(1, healthy.Requests);
    }

    [Fact]
    public async Task HostDyingAfterTheFirstToken_EndsWithAnError_NeverAFakeFinish()
    {
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Fault = FakeFault.DieAfterTokens, FaultAfterTokens = 2 });
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString());
        await using var thin = await StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var client = await thin.CreateLoggedInClientAsync();

        var events = await StreamChatAsync(client, new { message = "one two three four five", stream = true });

        Assert.Equal("start", Type(events[0]));
        Assert.Equal(2, events.Count(e => Type(e) == "token"));
        Assert.DoesNotContain(events, e => Type(e) == "done");
        Assert.Equal("error", Type(events[^1]));
        // Told once, in words and as a code: who was answering and how much came, never the host's own error text.
        Assert.Equal("stopped: host reported an error after 2 tokens", events[^1].GetProperty("error").GetString());
        Assert.Equal("host_error", events[^1].GetProperty("reason").GetString());
        Assert.Equal("host", events[^1].GetProperty("host_name").GetString());
        Assert.Equal(2, events[^1].GetProperty("tokens_received").GetInt32());

        // Non-streaming gets an error status, not a truncated answer passed off as whole.
        var whole = await client.PostAsJsonAsync("/api/chat", new { message = "one two three four five" }, Ct);
        Assert.Equal(HttpStatusCode.BadGateway, whole.StatusCode);
        var local = await (await client.GetAsync("/api/local", Ct)).JsonAsync();
        Assert.All(local.GetProperty("exchanges").EnumerateArray(), e => Assert.NotEqual(JsonValueKind.Null, e.GetProperty("error").ValueKind));
    }

    [Fact]
    public async Task StalledStream_IsEndedAfterTheStallTimeout()
    {
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Fault = FakeFault.StallAfterTokens, FaultAfterTokens = 2 });
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString(), extra: new() { ["Llm:StallTimeout"] = "00:00:00.500" });
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        var clock = Stopwatch.StartNew();
        var events = await StreamChatAsync(client, new { message = "a b c d e f", stream = true });

        Assert.Equal(2, events.Count(e => Type(e) == "token"));
        Assert.Equal("error", Type(events[^1]));
        Assert.Contains("sent nothing", events[^1].GetProperty("error").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the stall took {clock.Elapsed} to be noticed");
        await Wait.UntilAsync(() => ollama.Cancelled == 1, WaitLimit, "the stalled request to be cancelled at the fixture");
    }

    [Fact]
    public async Task ClientCancellation_ReachesTheBackendThroughAPeer()
    {
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { TokenDelay = TimeSpan.FromMilliseconds(100) });
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString());
        await using var thin = await StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var client = await thin.CreateLoggedInClientAsync();

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat")
        {
            Content = JsonContent.Create(new { message = string.Join(' ', Enumerable.Repeat("word", 200)), stream = true }),
        })
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
            Assert.Contains("\"start\"", await reader.ReadLineAsync(Ct));
            Assert.Contains("\"token\"", await reader.ReadLineAsync(Ct));
        }

        await Wait.UntilAsync(() => ollama.Cancelled == 1, WaitLimit, "the fixture to see the request cancelled");
        Assert.Equal(0, ollama.Completed);
        await Wait.UntilAsync(async () => (await (await client.GetAsync("/api/local", Ct)).JsonAsync()).GetProperty("exchanges").GetArrayLength() == 1,
            WaitLimit, "the stopped exchange to be saved");
        var saved = (await (await client.GetAsync("/api/local", Ct)).JsonAsync()).GetProperty("exchanges")[0];
        Assert.Contains("stopped", saved.GetProperty("error").GetString());
        Assert.StartsWith("Echo", saved.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task NoLlmAnywhere_Returns503AtOnce()
    {
        await using var b = await StartAsync("b", NoLlm);
        await using var a = await StartAsync("a", NoLlm, [b]);
        await UntilLinkedAsync(a, b);
        using var client = await a.CreateLoggedInClientAsync();

        Assert.False((await (await client.GetAsync("/api/status", Ct)).JsonAsync()).GetProperty("is_llm_host").GetBoolean());
        var clock = Stopwatch.StartNew();
        var response = await client.PostAsJsonAsync("/api/chat", new { message = "hello?" }, Ct);
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("No LLM", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"503 took {elapsed}");
        var openAi = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "x", messages = new[] { new { role = "user", content = "hi" } } }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, openAi.StatusCode);
        Assert.Equal("server_error", (await openAi.JsonAsync()).GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("{\"message\": \"\"}", 400)]
    [InlineData("{\"message\": \"hi\", \"filename\": \"../secret\"}", 400)]
    [InlineData("{\"message\": \"hi\", \"filename\": \"missing.txt\"}", 404)]
    [InlineData("{\"message\": 5}", 400)]
    public async Task BadChatInput_GetsAClearError(string json, int status)
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        using var client = await node.CreateLoggedInClientAsync();

        var response = await client.PostAsync("/api/chat", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("error").GetString()));
        Assert.Equal(0, ollama.Requests);
    }
}
