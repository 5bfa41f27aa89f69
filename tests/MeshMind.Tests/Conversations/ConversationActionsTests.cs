using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.Conversations;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Conversations;

/// <summary>What people do with conversations through the API: rename, delete, search, fork, continue, copy a peer's, and settings.</summary>
public sealed class ConversationActionsTests
{
    private static async Task<JsonElement> AskAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/chat", body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static async Task<JsonElement> ConversationAsync(HttpClient client, string id) =>
        await (await client.GetAsync($"/api/conversations/{id}", Ct)).JsonAsync();

    private static async Task<List<string>> SearchAsync(HttpClient client, string query) =>
        [.. (await (await client.GetAsync($"/api/conversations?q={Uri.EscapeDataString(query)}", Ct)).JsonAsync())
            .GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];

    private static List<(string Role, string Content)> Sent(FakeOllamaServer ollama) =>
        [.. ollama.LastRequest!["messages"]!.AsArray().Select(m => (m!["role"]!.GetValue<string>(), m["content"]!.GetValue<string>()))];

    [Fact]
    public async Task RenameSearchDelete_ChangeTheList()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();
        var apples = (await AskAsync(client, new { message = "tell me about apples" })).GetProperty("conversation_id").GetString()!;
        var pears = (await AskAsync(client, new { message = "and PEARS please" })).GetProperty("conversation_id").GetString()!;

        var renamed = await client.PatchAsJsonAsync($"/api/conversations/{apples}", new { title = "  Orchard notes " }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, renamed.StatusCode);
        Assert.Equal("Orchard notes", (await ConversationAsync(client, apples)).GetProperty("title").GetString());
        Assert.Equal([apples], await SearchAsync(client, "orchard"));
        Assert.Equal([pears], await SearchAsync(client, "pears"));
        // Answers are searched too, and a hit says where it matched.
        var hit = (await (await client.GetAsync("/api/conversations?q=Echo%20from", Ct)).JsonAsync()).GetProperty("conversations");
        Assert.Equal(2, hit.GetArrayLength());
        Assert.All(hit.EnumerateArray(), c => Assert.Contains("Echo from", c.GetProperty("snippet").GetString()));
        // LIKE's wildcards are matched as themselves.
        Assert.Empty(await SearchAsync(client, "%"));
        Assert.Empty(await SearchAsync(client, "_"));
        // Case is ignored for every letter, not only ASCII ones.
        Assert.Equal(HttpStatusCode.NoContent, (await client.PatchAsJsonAsync($"/api/conversations/{pears}", new { title = "Crème brûlée" }, Ct)).StatusCode);
        Assert.Equal([pears], await SearchAsync(client, "CRÈME BRÛLÉE"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/conversations/{apples}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/conversations/{apples}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/conversations/{apples}", Ct)).StatusCode);
        var list = (await (await client.GetAsync("/api/conversations", Ct)).JsonAsync()).GetProperty("conversations");
        Assert.Equal(pears, Assert.Single(list.EnumerateArray()).GetProperty("id").GetString());
        Assert.DoesNotContain(apples, (await (await client.GetAsync("/api/local", Ct)).JsonAsync()).GetProperty("exchanges").EnumerateArray()
            .Select(e => e.GetProperty("conversation_id").GetString()));
    }

    [Theory]
    [InlineData("{\"title\": \"\"}")]
    [InlineData("{\"title\": 5}")]
    [InlineData("{\"temperature\": 3}")]
    [InlineData("{\"temperature\": \"hot\"}")]
    [InlineData("{\"max_tokens\": 0}")]
    [InlineData("{\"max_tokens\": 1.5}")]
    [InlineData("{\"max_tokens\": 40000}")]
    public async Task BadUpdate_GetsAClear400(string json)
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();
        var id = (await AskAsync(client, new { message = "hello" })).GetProperty("conversation_id").GetString()!;

        var response = await client.PatchAsync($"/api/conversations/{id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task OversizedInput_IsRefusedWithItsLimit()
    {
        await using var node = await StartAsync("alone", NoLlm);
        using var client = await node.CreateLoggedInClientAsync();

        var longQuery = await client.GetAsync($"/api/conversations?q={new string('a', ConversationStore.MaxQueryLength + 1)}", Ct);
        var longTitle = await client.PatchAsJsonAsync("/api/conversations/c_missing", new { title = new string('t', 201) }, Ct);
        var longPrompt = await client.PostAsJsonAsync("/api/chat", new { message = "hi", system_prompt = new string('p', 8_001) }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, longQuery.StatusCode);
        Assert.Contains("200", (await longQuery.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, longTitle.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longPrompt.StatusCode);
        Assert.Contains("8000", (await longPrompt.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task EditedQuestion_ForksFromItsParent_AndOnlyThatBranchIsContext()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();
        var first = await AskAsync(client, new { message = "my name is Ada" });
        var id = first.GetProperty("conversation_id").GetString()!;
        var firstId = first.GetProperty("exchange_id").GetString()!;
        var second = await AskAsync(client, new { message = "I like tea", conversation_id = id });

        var edited = await AskAsync(client, new { message = "I like coffee", conversation_id = id, parent_id = firstId });

        Assert.Equal(["system", "user", "assistant", "user"], Sent(ollama).Select(m => m.Role).ToArray());
        Assert.DoesNotContain(Sent(ollama), m => m.Content.Contains("tea", StringComparison.Ordinal));
        var exchanges = (await ConversationAsync(client, id)).GetProperty("exchanges").EnumerateArray().ToList();
        Assert.Equal(3, exchanges.Count);
        Assert.Equal(JsonValueKind.Null, exchanges[0].GetProperty("parent_id").ValueKind);
        Assert.Equal(firstId, exchanges[1].GetProperty("parent_id").GetString());
        Assert.Equal(firstId, exchanges[2].GetProperty("parent_id").GetString());
        Assert.Equal(edited.GetProperty("exchange_id").GetString(), exchanges[2].GetProperty("id").GetString());

        // Without a parent, a question follows the newest exchange (the edited branch); "" starts the conversation afresh.
        await AskAsync(client, new { message = "what do I like?", conversation_id = id });
        Assert.Contains(Sent(ollama), m => m.Content == "I like coffee");
        var fresh = await AskAsync(client, new { message = "my name is Bob", conversation_id = id, parent_id = "" });
        Assert.Equal(["system", "user"], Sent(ollama).Select(m => m.Role).ToArray());
        Assert.Equal(JsonValueKind.Null, (await ConversationAsync(client, id)).GetProperty("exchanges")[4].GetProperty("parent_id").ValueKind);
        Assert.Equal(fresh.GetProperty("exchange_id").GetString(), (await ConversationAsync(client, id)).GetProperty("exchanges")[4].GetProperty("id").GetString());

        var foreign = await client.PostAsJsonAsync("/api/chat", new { message = "x", conversation_id = id, parent_id = "x_nope" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("no_exchange", (await foreign.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(second.GetProperty("conversation_id").GetString(), id);
    }

    [Fact]
    public async Task HostDyingMidAnswer_IsToldOnceWithAReason_ThenTheAnswerCanBeContinued()
    {
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Fault = FakeFault.DieAfterTokens, FaultAfterTokens = 3 });
        await using var node = await StartAsync("gpu-box", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        var events = await StreamChatAsync(client, new { message = "one two three four five six", stream = true });

        var error = Assert.Single(events, e => Type(e) == "error");
        Assert.Equal(error, events[^1]);
        Assert.Equal("stopped: gpu-box went away after 3 tokens", error.GetProperty("error").GetString());
        Assert.Equal("host_lost", error.GetProperty("reason").GetString());
        Assert.Equal(3, error.GetProperty("tokens_received").GetInt32());
        var id = events[0].GetProperty("conversation_id").GetString()!;
        var exchangeId = events[0].GetProperty("exchange_id").GetString()!;
        var partial = string.Concat(events.Where(e => Type(e) == "token").Select(e => e.GetProperty("content").GetString()));
        var saved = Assert.Single((await ConversationAsync(client, id)).GetProperty("exchanges").EnumerateArray());
        Assert.Equal(partial, saved.GetProperty("answer").GetString());
        Assert.Equal("stopped: gpu-box went away after 3 tokens", saved.GetProperty("error").GetString());

        ollama.Options.Fault = FakeFault.None;
        var continued = await StreamChatAsync(client, new { conversation_id = id, continue_exchange_id = exchangeId, stream = true });

        Assert.Equal(exchangeId, continued[0].GetProperty("exchange_id").GetString());
        Assert.Equal("done", Type(continued[^1]));
        var sent = Sent(ollama);
        Assert.Equal(("assistant", partial), sent[^2]);
        Assert.Equal("user", sent[^1].Role);
        Assert.Contains("Continue", sent[^1].Content, StringComparison.Ordinal);
        var whole = Assert.Single((await ConversationAsync(client, id)).GetProperty("exchanges").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("error").ValueKind);
        Assert.StartsWith(partial, whole.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.True(whole.GetProperty("answer").GetString()!.Length > partial.Length);
        Assert.Equal(whole.GetProperty("answer").GetString(), continued[^1].GetProperty("response").GetString());
    }

    [Fact]
    public async Task Settings_ReachTheHost_AndAreKeptForTheConversation()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        var first = await AskAsync(client, new { message = "hi", system_prompt = "Answer like a pirate.", temperature = 0.25, max_tokens = 64 });
        var id = first.GetProperty("conversation_id").GetString()!;

        Assert.Equal(("system", "Answer like a pirate."), Sent(ollama)[0]);
        Assert.Equal(0.25, ollama.LastRequest!["options"]!["temperature"]!.GetValue<double>());
        Assert.Equal(64, ollama.LastRequest["options"]!["num_predict"]!.GetValue<int>());
        var settings = (await ConversationAsync(client, id)).GetProperty("settings");
        Assert.Equal("Answer like a pirate.", settings.GetProperty("system_prompt").GetString());

        await AskAsync(client, new { message = "again", conversation_id = id });
        Assert.Equal(("system", "Answer like a pirate."), Sent(ollama)[0]);
        Assert.Equal(64, ollama.LastRequest["options"]!["num_predict"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.NoContent, (await client.PatchAsJsonAsync($"/api/conversations/{id}",
            new Dictionary<string, object?> { ["system_prompt"] = null, ["max_tokens"] = null }, Ct)).StatusCode);
        await AskAsync(client, new { message = "third", conversation_id = id });
        Assert.NotEqual("Answer like a pirate.", Sent(ollama)[0].Content);
        Assert.Null(ollama.LastRequest["options"]?["num_predict"]);
        Assert.Equal(0.25, ollama.LastRequest["options"]!["temperature"]!.GetValue<double>());
    }

    [Fact]
    public async Task HostChoice_PinsOrAvoids_AndNoLlmSaysWhy()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        var pinned = await AskAsync(client, new { message = "hi", host = Id(node) });
        var elsewhere = await client.PostAsJsonAsync("/api/chat", new { message = "hi", avoid_host = Id(node) }, Ct);
        var missing = await client.PostAsJsonAsync("/api/chat", new { message = "hi", host = new string('0', 64) }, Ct);

        Assert.Equal(Id(node), pinned.GetProperty("host").GetProperty("node_id").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, elsewhere.StatusCode);
        Assert.Equal("no_other_host", (await elsewhere.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal("host_unavailable", (await missing.JsonAsync()).GetProperty("reason").GetString());

        await using var alone = await StartAsync("alone", NoLlm);
        using var aloneClient = await alone.CreateLoggedInClientAsync();
        var none = await aloneClient.PostAsJsonAsync("/api/chat", new { message = "anyone?" }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, none.StatusCode);
        Assert.Equal("no_llm", (await none.JsonAsync()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task PeerConversation_CanBeCopied_AndContinuedHere()
    {
        await using var ollama = await FixtureAsync();
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString());
        await using var thin = await StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var thinClient = await thin.CreateLoggedInClientAsync();
        var asked = await AskAsync(thinClient, new { message = "first question" });
        var peerConversation = asked.GetProperty("conversation_id").GetString()!;
        await AskAsync(thinClient, new { message = "second question", conversation_id = peerConversation });
        using var hostClient = await host.CreateLoggedInClientAsync();
        await Wait.UntilAsync(async () =>
        {
            var response = await hostClient.GetAsync($"/api/peers/{Id(thin)}/conversations", Ct);
            return response.StatusCode == HttpStatusCode.OK && (await response.JsonAsync()).GetProperty("exchanges").GetArrayLength() == 2;
        }, WaitLimit, "the host to receive both exchanges");

        var copied = await hostClient.PostAsync($"/api/peers/{Id(thin)}/conversations/{peerConversation}/copy", null, Ct);

        Assert.Equal(HttpStatusCode.Created, copied.StatusCode);
        var copy = await copied.JsonAsync();
        var copyId = copy.GetProperty("id").GetString()!;
        Assert.NotEqual(peerConversation, copyId);
        Assert.Equal(2, copy.GetProperty("exchange_count").GetInt32());
        Assert.Contains("(from thin)", copy.GetProperty("title").GetString());
        var exchanges = (await ConversationAsync(hostClient, copyId)).GetProperty("exchanges").EnumerateArray().ToList();
        Assert.Equal(["first question", "second question"], exchanges.Select(e => e.GetProperty("question").GetString()!).ToArray());
        Assert.Equal(exchanges[0].GetProperty("id").GetString(), exchanges[1].GetProperty("parent_id").GetString());

        await AskAsync(hostClient, new { message = "third question", conversation_id = copyId });
        Assert.Equal(["first question", "second question", "third question"],
            Sent(ollama).Where(m => m.Role == "user").Select(m => m.Content).ToArray());
        var unknown = await hostClient.PostAsync($"/api/peers/{Id(thin)}/conversations/c_nothere/copy", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
