using System.Globalization;
using System.Text.Json;
using MeshMind.Tests.Llm;
using MeshMind.Testing.Chaos;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>
/// Chat across real <c>meshmind</c> processes in network namespaces (root only): some hosts run a fake Ollama on their own
/// loopback, the others have no LLM and are answered over the mesh, with the history shared over the links.
/// </summary>
[Collection(nameof(NamespaceLabs))]
public sealed class LlmLabTests
{
    private const string Secret = "namespace-lab-secret-0123456789";
    private const string Model = "llama3:latest";

    /// <summary>Each chat request is cut off after this: a request that takes longer has hung.</summary>
    private static readonly TimeSpan s_requestLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_tokenDelay = TimeSpan.FromMilliseconds(20);
    private static readonly Dictionary<string, string> s_fast = new()
    {
        ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500",
        ["MESHMIND__Llm__ProbeInterval"] = "00:00:00.500",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The fake Ollama's deterministic reply.</summary>
    private static string Echo(string question) => $"Echo from {Model}: {question}";

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    private static string HostId(JsonElement e) => e.GetProperty("host").GetProperty("node_id").GetString()!;

    /// <summary>
    /// One bridge, a node per host (host1, host2, ...), a fake Ollama beside each node whose flag is set; returns once the mesh
    /// is full and the last node's catalog lists exactly the LLM hosts for <see cref="Model"/>, so it can chat.
    /// </summary>
    private static Task<List<LabNode>> StartMeshAsync(NamespaceLab lab, int subnet, params bool[] withLlm) =>
        StartMeshAsync(lab, subnet, s_fast, withLlm);

    private static async Task<List<LabNode>> StartMeshAsync(NamespaceLab lab, int subnet, Dictionary<string, string> environment, params bool[] withLlm)
    {
        var network = await lab.AddSwitchAsync(subnet);
        var nodes = new List<LabNode>();
        for (var i = 0; i < withLlm.Length; i++)
        {
            var host = await lab.AddHostAsync(network, 11 + i);
            var ollamaUrl = withLlm[i] ? (await lab.StartFakeOllamaAsync(host, s_tokenDelay, [Model], Ct)).BaseAddress.ToString() : LlmNodes.NoLlm;
            nodes.Add(await lab.StartNodeAsync(host, $"host{i + 1}", Secret, ["--ollama-url", ollamaUrl], environment, Ct));
        }

        await Labs.WaitForFullMeshAsync(nodes);
        var llmHosts = nodes.Where((_, i) => withLlm[i]).Select(n => n.NodeId!).Order(StringComparer.Ordinal).ToList();
        await Wait.UntilAsync(async () => (await HostsOfModelAsync(nodes[^1])).SequenceEqual(llmHosts), Labs.Timeout,
            $"{nodes[^1].Name} to see {Model} on {string.Join(", ", nodes.Where((_, i) => withLlm[i]).Select(n => n.Name))}");
        return nodes;
    }

    /// <summary>The node ids <paramref name="node"/>'s catalog (<c>GET /api/models</c>) gives for <see cref="Model"/>, sorted.</summary>
    private static async Task<List<string>> HostsOfModelAsync(LabNode node)
    {
        var catalog = await node.GetJsonAsync("/api/models", Ct);
        return catalog?.EnumerateArray()
            .Where(m => m.GetProperty("name").GetString() == Model)
            .SelectMany(m => m.GetProperty("nodes").EnumerateArray().Select(h => h.GetProperty("node_id").GetString()!))
            .Order(StringComparer.Ordinal).ToList() ?? [];
    }

    private static Task<LabResponse> ChatAsync(LabNode node, string message, bool stream = false) =>
        node.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message, stream }), s_requestLimit, cancellationToken: Ct);

    private static JsonElement Json(LabResponse response)
    {
        using var document = JsonDocument.Parse(response.Body);
        return document.RootElement.Clone();
    }

    /// <summary>Answered (200, by whom) or refused with a JSON error (502/503); never cut off by the time limit.</summary>
    private static string? AnsweredBy(LabResponse response, string question)
    {
        Assert.True(response.Completed, $"'{question}' did not finish within {s_requestLimit.TotalSeconds} s: curl {response.CurlExitCode} {response.CurlError}");
        if (response.Status != 200)
        {
            Assert.True(response.Status is 502 or 503, $"'{question}' got {response.Status}: {response.Body}");
            Assert.False(string.IsNullOrEmpty(Json(response).GetProperty("error").GetString()), $"'{question}' got {response.Status} without an error: {response.Body}");
            return null;
        }

        var body = Json(response);
        Assert.Equal(Echo(question), body.GetProperty("response").GetString());
        return HostId(body);
    }

    [Fact]
    public async Task HostWithoutLlm_StreamsAnAnswerFromAnLlmHost()
    {
        await using var lab = await Labs.CreateAsync();
        var nodes = await StartMeshAsync(lab, subnet: 21, true, true, false);
        var question = "tell me how a mesh of nodes shares one model";

        var response = await ChatAsync(nodes[2], question, stream: true);

        Assert.True(response.Completed, $"the stream did not finish: curl {response.CurlExitCode} {response.CurlError}");
        Assert.Equal(200, response.Status);
        var events = response.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.Equal("start", Type(events[0]));
        Assert.Contains(HostId(events[0]), new[] { nodes[0].NodeId, nodes[1].NodeId });
        var tokens = events.Where(e => Type(e) == "token").Select(e => e.GetProperty("content").GetString()).ToList();
        Assert.True(tokens.Count > 3, $"expected several token events, got {tokens.Count}: {response.Body}");
        var done = events[^1];
        Assert.Equal("done", Type(done));
        Assert.Equal(string.Concat(tokens), done.GetProperty("response").GetString());
        Assert.Equal(Echo(question), string.Concat(tokens));
    }

    [Fact]
    public async Task LlmHostKilledDash9_DuringRequests_InFlightEndsWithAnError_LaterOnesAnsweredByTheSurvivor()
    {
        await using var lab = await Labs.CreateAsync();
        var nodes = await StartMeshAsync(lab, subnet: 22, true, true, false);
        var asker = nodes[2];
        for (var i = 1; i <= 3; i++)
        {
            Assert.NotNull(AnsweredBy(await ChatAsync(asker, $"question {i}"), $"question {i}"));
        }

        // A long answer (~2 s of tokens) streams to the asker; once its first token is in, the node it comes from dies.
        var longQuestion = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"word{i}"));
        var streamingHost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? startHost = null;
        var inFlight = asker.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = longQuestion, stream = true }), s_requestLimit,
            line =>
            {
                if (!line.StartsWith('{'))
                {
                    return;
                }

                using var document = JsonDocument.Parse(line);
                var e = document.RootElement;
                startHost = Type(e) == "start" ? HostId(e) : startHost;
                if (Type(e) == "token" && startHost is not null)
                {
                    streamingHost.TrySetResult(startHost);
                }
            }, Ct);
        var victimId = await streamingHost.Task.WaitAsync(s_requestLimit, Ct);
        var victim = nodes.Single(n => n.NodeId == victimId);
        Assert.Contains(victim, nodes[..2]);
        var survivor = nodes[0] == victim ? nodes[1] : nodes[0];
        await victim.KillAsync();

        var cut = await inFlight;
        Assert.True(cut.Completed, $"the stream cut by the kill did not end within {s_requestLimit.TotalSeconds} s: curl {cut.CurlExitCode} {cut.CurlError}");
        var events = cut.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.DoesNotContain(events, e => Type(e) == "done");
        Assert.Equal("error", Type(events[^1]));
        Assert.False(string.IsNullOrEmpty(events[^1].GetProperty("error").GetString()));
        Assert.StartsWith(string.Concat(events.Where(e => Type(e) == "token").Select(e => e.GetProperty("content").GetString())), Echo(longQuestion));

        // Then one request after another, until 20 in all were made and at least 5 after the asker saw the victim down.
        var afterDown = new List<(string Question, LabResponse Response)>();
        var seenDown = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 5; i <= 20 || afterDown.Count < 5; i++)
        {
            Assert.True(clock.Elapsed < Labs.Timeout, $"{asker.Name} did not see {victim.Name} down within {Labs.Timeout.TotalSeconds} s");
            seenDown = seenDown || await Labs.DroppedAsync(asker, victim);
            var question = $"question {i}";
            var response = await ChatAsync(asker, question);
            var host = AnsweredBy(response, question);
            if (seenDown)
            {
                afterDown.Add((question, response));
            }
            else
            {
                Assert.True(host is null || host == survivor.NodeId, $"'{question}' was answered by the killed node");
            }
        }

        Assert.All(afterDown, x =>
        {
            Assert.True(x.Response.Status == 200, $"'{x.Question}' failed after the victim was seen down: {x.Response.Status} {x.Response.Body}");
            Assert.Equal(survivor.NodeId, HostId(Json(x.Response)));
        });
    }

    [Fact]
    public async Task ExchangeOnHostWithoutLlm_ShowsInItsSharedHistoryOnABystander()
    {
        await using var lab = await Labs.CreateAsync();
        // host1 neither asks nor answers: the exchange can only reach it as host3's shared history.
        var nodes = await StartMeshAsync(lab, subnet: 23, false, true, false);
        var (bystander, answerer, asker) = (nodes[0], nodes[1], nodes[2]);
        var question = "is this exchange shared with every peer?";

        var response = await ChatAsync(asker, question);

        Assert.Equal(answerer.NodeId, AnsweredBy(response, question));
        var path = $"/api/peers/{asker.NodeId}/conversations";
        await Wait.UntilAsync(async () => await bystander.GetJsonAsync(path, Ct) is { } history
            && history.GetProperty("exchanges").EnumerateArray().Any(e => e.GetProperty("question").GetString() == question),
            Labs.Timeout, $"{bystander.Name} to receive {asker.Name}'s exchange");
        var shared = (await bystander.GetJsonAsync(path, Ct))!.Value;
        Assert.Equal(asker.NodeId, shared.GetProperty("node_id").GetString());
        var exchange = Assert.Single(shared.GetProperty("exchanges").EnumerateArray(), e => e.GetProperty("question").GetString() == question);
        Assert.Equal(Echo(question), exchange.GetProperty("answer").GetString());
        Assert.Equal(answerer.NodeId, HostId(exchange));
    }

    /// <summary>
    /// Churn (issue 14), a short profile of <c>bench chaos churn</c>: three LLM hosts, one at a time chosen at random, killed
    /// with -9 and restarted, while six clients stream chats through two client nodes and all three APIs. Every chat is
    /// answered, except those in flight on a host as it died, which end with an error in their API's form after a true
    /// prefix of the answer; none is refused or hangs, and each restarted host serves again.
    /// </summary>
    [Fact]
    public async Task HostsKilledAndRestartedAtRandom_ChatsThroughEveryApiAnswered_ExceptThoseCutMidAnswer()
    {
        await using var lab = await Labs.CreateAsync();

        var report = await ChurnScenario.RunAsync(lab, subnet: 26, new ChurnOptions(MinKills: 4, MinChats: 0),
            line => TestContext.Current.TestOutputHelper?.WriteLine(line), Ct);

        TestContext.Current.TestOutputHelper?.WriteLine(report.Summary());
        var failed = report.Failed.Select(o => $"{o.Client} '{o.Question}': {o.Kind} {o.Detail}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        var unexplained = report.UnexplainedCuts.Select(o => $"{o.Client} '{o.Question}' was cut on {o.Host ?? "a host"} while no host died: {o.Detail}").ToList();
        Assert.True(unexplained.Count == 0, string.Join("\n", unexplained));
        Assert.All(Enum.GetValues<ChatApi>(), api => Assert.Contains(report.Chats, o => o.Api == api && o.Kind == ChatOutcome.Answered));
        Assert.Equal(4, report.Kills.Count);
    }

    [Fact]
    public async Task EveryHostFull_TheChatWaitsOnItsNode_ToldItsPlace_AndGoesToTheOtherHostWhenItsFirstIsKilled()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(30);
        // Each host has one slot and holds a chat for about 3 s (30 tokens at 10 a second).
        string[] gpu = ["--gpu-slots", "1", "--gpu-tokens-per-second", "10", "--reply", string.Join(' ', Enumerable.Range(1, 30).Select(i => $"w{i}"))];
        var environment = new Dictionary<string, string>(s_fast) { ["MESHMIND__Llm__MaxParallel"] = "1" };
        var nodes = new List<LabNode>();
        foreach (var (number, name, llm) in new[] { (11, "a", true), (12, "b", true), (13, "thin", false) })
        {
            var host = await lab.AddHostAsync(network, number);
            var ollama = llm ? (await lab.StartFakeOllamaAsync(host, TimeSpan.Zero, [Model], gpu, Ct)).BaseAddress.ToString() : LlmNodes.NoLlm;
            nodes.Add(await lab.StartNodeAsync(host, name, Secret, ["--ollama-url", ollama], environment, Ct));
        }

        var (a, b, thin) = (nodes[0], nodes[1], nodes[2]);
        await Labs.WaitForFullMeshAsync(nodes);
        var both = new[] { a.NodeId!, b.NodeId! }.Order(StringComparer.Ordinal).ToList();
        await Wait.UntilAsync(async () => (await HostsOfModelAsync(thin)).SequenceEqual(both), Labs.Timeout, "thin to see the model on a and b");

        // Two chats take both slots.
        var started = new[] { new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously) };
        var running = started.Select((s, i) => thin.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = $"chat {i}", stream = true }), s_requestLimit,
            line => OnStart(line, s), Ct)).ToList();
        var hosts = await Task.WhenAll(started.Select(s => s.Task.WaitAsync(Labs.Timeout, Ct)));
        Assert.Equal(both, hosts.Order(StringComparer.Ordinal));

        // A third waits on thin, told its place; then the node answering one of the others is killed.
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var third = thin.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = "the third", stream = true }), s_requestLimit,
            line => OnQueued(line, queued), Ct);
        await queued.Task.WaitAsync(Labs.Timeout, Ct);
        await a.KillAsync();

        var response = await third;
        var events = response.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal("queued", Type(events[0]));
        Assert.Equal(1, events[0].GetProperty("position").GetInt32());
        var start = events.Single(e => Type(e) == "start");
        Assert.Equal(b.NodeId, HostId(start));
        Assert.Equal("done", Type(events[^1]));
        await Task.WhenAll(running);
    }

    [Fact]
    public async Task FollowUps_GoBackToTheHostThatHasTheirConversation_ThoughAFasterHostIsFree()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(31);
        // b decodes twice as fast as a; both process prompts at 1,000 tokens a second and keep each conversation's prefix.
        string[] Gpu(int tokensPerSecond) =>
            ["--gpu-slots", "1", "--gpu-tokens-per-second", tokensPerSecond.ToString(CultureInfo.InvariantCulture), "--reply", string.Join(' ', Enumerable.Range(1, 10).Select(i => $"w{i}"))];
        var environment = new Dictionary<string, string>(s_fast) { ["MESHMIND__Llm__MaxParallel"] = "1" };
        var nodes = new List<LabNode>();
        foreach (var (number, name, tokensPerSecond) in new[] { (11, "a", 10), (12, "b", 20), (13, "thin", 0) })
        {
            var host = await lab.AddHostAsync(network, number);
            var ollama = tokensPerSecond > 0 ? (await lab.StartFakeOllamaAsync(host, TimeSpan.Zero, [Model], Gpu(tokensPerSecond), Ct)).BaseAddress.ToString() : LlmNodes.NoLlm;
            nodes.Add(await lab.StartNodeAsync(host, name, Secret, ["--ollama-url", ollama], environment, Ct));
        }

        var (a, b, thin) = (nodes[0], nodes[1], nodes[2]);
        await Labs.WaitForFullMeshAsync(nodes);
        var both = new[] { a.NodeId!, b.NodeId! }.Order(StringComparer.Ordinal).ToList();
        await Wait.UntilAsync(async () => (await HostsOfModelAsync(thin)).SequenceEqual(both), Labs.Timeout, "thin to see the model on a and b");

        // A conversation with a long prompt (2,000 tokens) begun on each host.
        var conversations = new List<(string Id, string Host)>();
        foreach (var host in new[] { a, b })
        {
            var first = await thin.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = $"about {host.Name}: " + new string('x', 8_000), host = host.NodeId }),
                s_requestLimit, cancellationToken: Ct);
            Assert.True(first is { Completed: true, Status: 200 }, $"{first.Status} {first.Body}");
            Assert.Equal(host.NodeId, HostId(Json(first)));
            conversations.Add((Json(first).GetProperty("conversation_id").GetString()!, host.NodeId!));
        }

        // Their follow-ups, one at a time, free to go anywhere: b is free and decodes faster, but only the host that has the
        // conversation skips its 2 s prompt, so each goes back to its own (with Llm:StickyConversations=false a's goes to b).
        for (var turn = 1; turn <= 2; turn++)
        {
            foreach (var (conversation, home) in conversations)
            {
                var response = await thin.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = $"and then ({turn})?", conversation_id = conversation }),
                    s_requestLimit, cancellationToken: Ct);
                Assert.True(response is { Completed: true, Status: 200 }, $"{response.Status} {response.Body}");
                Assert.True(HostId(Json(response)) == home, $"turn {turn} of the conversation begun on {home[..8]} went to {HostId(Json(response))[..8]}");
            }
        }
    }

    /// <summary>Completes <paramref name="queued"/> when <paramref name="line"/> is a chat's queued event.</summary>
    private static void OnQueued(string line, TaskCompletionSource queued)
    {
        if (line.Contains("\"queued\"", StringComparison.Ordinal))
        {
            queued.TrySetResult();
        }
    }

    /// <summary>Completes <paramref name="started"/> with the answering host's node id when <paramref name="line"/> is a chat's start event.</summary>
    private static void OnStart(string line, TaskCompletionSource<string> started)
    {
        if (line.StartsWith('{') && line.Contains("\"start\"", StringComparison.Ordinal))
        {
            using var json = JsonDocument.Parse(line);
            started.TrySetResult(HostId(json.RootElement));
        }
    }
}
