using System.Net;
using System.Net.Http.Json;
using MeshMind.FakeOllama;
using MeshMind.Llm.Local;
using MeshMind.Llm.Peers;
using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Routing;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// <c>meshmind</c> routing through real nodes (issue 17): a chat waits on the node, not in a full host's queue, and is told its
/// place; a follow-up goes back to the host that has its conversation; a host that is loading the model is waited for; a
/// chat waiting when its host fails goes to another.
/// </summary>
public sealed class SchedulingTests
{
    private static string Words(int count) => string.Join(' ', Enumerable.Range(1, count).Select(i => $"w{i}"));

    /// <summary>A simulated GPU with one slot, its model in memory: <paramref name="words"/> words at <paramref name="tokensPerSecond"/>.</summary>
    private static FakeOllamaOptions OneSlot(int words, double tokensPerSecond, TimeSpan? load = null, bool loaded = true) => new()
    {
        Reply = Words(words),
        Loaded = loaded ? null : [],
        Gpu = new GpuOptions { Slots = 1, TokensPerSecond = tokensPerSecond, LoadTime = load ?? TimeSpan.FromSeconds(2) },
    };

    private static Dictionary<string, string?> Slots(int slots) => new() { ["Llm:MaxParallel"] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task HostFull_TheChatWaitsOnTheNode_IsToldItsPlace_ThenRuns()
    {
        await using var ollama = await FixtureAsync(OneSlot(words: 30, tokensPerSecond: 15));
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString(), extra: Slots(1));
        await using var thin = await StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var client = await thin.CreateLoggedInClientAsync();

        var first = StreamChatAsync(client, new { message = "the first", stream = true });
        await Wait.UntilAsync(() => ollama.Requests == 1, WaitLimit, "the first chat to reach the host");
        var second = await StreamChatAsync(client, new { message = "the second", stream = true });

        // The second was not sent while the host's one slot was taken: it waited on the node, told its place.
        Assert.Equal("queued", Type(second[0]));
        Assert.Equal(1, second[0].GetProperty("position").GetInt32());
        Assert.Equal("start", Type(second[1]));
        Assert.Equal("done", Type(second[^1]));
        Assert.Equal("done", Type((await first)[^1]));
        Assert.Equal(0, ollama.Gpu!.Rejected);
        Assert.Equal(2, ollama.Requests);
    }

    [Fact]
    public async Task FollowUps_GoBackToTheHostThatHasTheConversation()
    {
        await using var ollamaA = await FixtureAsync(new FakeOllamaOptions { Reply = Words(5) });
        await using var ollamaB = await FixtureAsync(new FakeOllamaOptions { Reply = Words(5) });
        await using var a = await StartAsync("a", ollamaA.BaseAddress.ToString());
        await using var b = await StartAsync("b", ollamaB.BaseAddress.ToString());
        await using var thin = await StartAsync("thin", NoLlm, [a, b]);
        await UntilRoutableAsync(thin, a);
        await UntilRoutableAsync(thin, b);
        using var client = await thin.CreateLoggedInClientAsync();

        var firstHosts = new List<string>();
        for (var conversation = 0; conversation < 6; conversation++)
        {
            var messages = new List<object> { new { role = "user", content = $"conversation {conversation}: " + new string('x', 4_000) } };
            string? host = null;
            for (var turn = 0; turn < 3; turn++)
            {
                using var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "llama3", messages }, Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var answeredBy = response.Headers.GetValues(LlmAnswer.HostHeader).Single();
                if (turn == 0)
                {
                    host = answeredBy;
                    firstHosts.Add(answeredBy);
                }

                Assert.True(host == answeredBy, $"turn {turn} of conversation {conversation} went to another host than its first");
                var answer = (await response.JsonAsync()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
                messages.Add(new { role = "assistant", content = answer });
                messages.Add(new { role = "user", content = $"and then ({turn})?" });
            }
        }

        Assert.Equal(18, ollamaA.Requests + ollamaB.Requests);
    }

    [Fact]
    public async Task ModelLoadingLongerThanTheFirstTokenTimeout_IsWaitedFor_AndNoOtherHostLoadsIt()
    {
        // Both hosts have the model on disk, not in memory; loading it takes 3 s, three times the first-token timeout.
        await using var ollamaA = await FixtureAsync(OneSlot(words: 3, tokensPerSecond: 100, load: TimeSpan.FromSeconds(3), loaded: false));
        await using var ollamaB = await FixtureAsync(OneSlot(words: 3, tokensPerSecond: 100, load: TimeSpan.FromSeconds(3), loaded: false));
        await using var a = await StartAsync("a", ollamaA.BaseAddress.ToString());
        await using var b = await StartAsync("b", ollamaB.BaseAddress.ToString());
        await using var thin = await StartAsync("thin", NoLlm, [a, b], extra: new() { ["Llm:FirstTokenTimeout"] = "00:00:01" });
        await UntilRoutableAsync(thin, a);
        await UntilRoutableAsync(thin, b);
        using var client = await thin.CreateLoggedInClientAsync();

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model = "llama3", messages = new[] { new { role = "user", content = "hi" } } }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answeredBy = response.Headers.GetValues(LlmAnswer.HostHeader).Single();
        Assert.Equal(1, answeredBy == Id(a) ? ollamaA.Requests : ollamaB.Requests);
        Assert.Equal(0, answeredBy == Id(a) ? ollamaB.Requests : ollamaA.Requests);
    }

    [Fact]
    public async Task HostReportsWhomItServes_ThePeerCountsOnlyTheOthers_EvenWhenTheReportArrivesAfterItsOwnChatEnded()
    {
        await using var ollama = await FixtureAsync(OneSlot(words: 60, tokensPerSecond: 30));
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString(), extra: Slots(2));
        await using var thin = await StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var client = await thin.CreateLoggedInClientAsync();
        var hostSync = Service<LlmLinkSync>(host);
        var thinSync = Service<LlmLinkSync>(thin);
        var seen = Service<HostHealth>(thin).Of(Id(host));
        bool Hears(int inFlight) => Service<LlmHosts>(thin).Candidates().Any(c => c.Host.NodeId == Id(host) && c.Capability.InFlight == inFlight);

        // While thin's chat runs, the host counts it as thin's and says so in the capability it sends.
        var chat = StreamChatAsync(client, new { message = "a long one", stream = true });
        await Wait.UntilAsync(() => Service<LocalLlm>(host).ServingPeers(64).GetValueOrDefault(Id(thin)) == 1, WaitLimit, "the host to count thin's chat");
        hostSync.PublishIfChanged();
        await Wait.UntilAsync(() => Hears(1), WaitLimit, "thin to hear the host serves one");
        Assert.Equal(1, seen.Outstanding);
        Assert.Equal(0, seen.Others);

        // The chat ends and the host says it serves none; nothing changes on the host after that, so it sends nothing more.
        Assert.Equal("done", Type((await chat)[^1]));
        await Wait.UntilAsync(() => Service<LocalLlm>(host).InFlight == 0 && seen.Outstanding == 0, WaitLimit, "both sides to close the chat");
        Assert.Empty(Service<LocalLlm>(host).ServingPeers(64));
        hostSync.PublishIfChanged();
        await Wait.UntilAsync(() => Hears(0), WaitLimit, "thin to hear the host serves none");

        // A report sent while the chat ran but read after it ended (links are ordered, so it is replayed here as it would be read):
        // "one in flight, thin's" leaves no other; the same report from a host that does not name whom it serves counts thin's
        // finished chat as someone else's, a phantom that kept one of the host's slots taken until its next report.
        var late = new CapabilityMessage(true, [], InFlight: 1, MaxParallel: 2, null, null, Serving: new Dictionary<string, int> { [Id(thin)] = 1 });
        thinSync.Received(Id(host), late);
        Assert.Equal(0, seen.Others);
        thinSync.Received(Id(host), late with { Serving = null });
        Assert.Equal(1, seen.Others);
    }

    [Fact]
    public async Task HostFailsWhileAChatWaitsForIt_TheChatGoesToAnother()
    {
        await using var ollamaA = await FixtureAsync(OneSlot(words: 40, tokensPerSecond: 20));
        await using var ollamaB = await FixtureAsync(OneSlot(words: 40, tokensPerSecond: 20));
        await using var a = await StartAsync("a", ollamaA.BaseAddress.ToString(), extra: Slots(1));
        await using var b = await StartAsync("b", ollamaB.BaseAddress.ToString(), extra: Slots(1));
        await using var thin = await StartAsync("thin", NoLlm, [a, b]);
        await UntilRoutableAsync(thin, a);
        await UntilRoutableAsync(thin, b);
        using var client = await thin.CreateLoggedInClientAsync();

        // Both slots taken; a third chat waits on the node.
        var running = new[] { StreamChatAsync(client, new { message = "one", stream = true }), StreamChatAsync(client, new { message = "two", stream = true }) };
        await Wait.UntilAsync(() => ollamaA.Requests == 1 && ollamaB.Requests == 1, WaitLimit, "both hosts to be busy");
        var waiting = StreamChatAsync(client, new { message = "three", stream = true });
        await Wait.UntilAsync(() => Service<MeshMind.Llm.Scheduling.LlmScheduler>(thin).Queued == 1, WaitLimit, "the third chat to wait");

        // Host a's Ollama goes away: its chat breaks, and the waiting one, sent there first, fails over to b.
        await ollamaA.DisposeAsync();
        var events = await waiting;

        Assert.Equal("queued", Type(events[0]));
        var start = events.First(e => Type(e) == "start");
        Assert.Equal(Id(b), start.GetProperty("host").GetProperty("node_id").GetString());
        Assert.Equal("done", Type(events[^1]));
        await Task.WhenAll(running);
    }
}
