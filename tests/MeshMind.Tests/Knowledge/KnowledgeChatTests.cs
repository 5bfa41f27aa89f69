using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Knowledge.MeshSearchTests;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Knowledge;

/// <summary><c>/api/chat</c> with <c>"knowledge": true</c>: the model gets the mesh's best excerpts, numbered, and the answer names them.</summary>
public sealed class KnowledgeChatTests
{
    [Fact]
    public async Task KnowledgeChat_OnB_GivesTheModelAsExcerpt_AndCitesTheFileOnA()
    {
        await using var ollama = await FixtureAsync();
        await using var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", ollama.BaseAddress.ToString(), [a]);
        await UntilLinkedAsync(b, a);
        await UntilLocalLlmAsync(b);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        await UploadAsync(onA, "holiday-plan.md", "The team holiday is in August at the lake.");
        await UploadAsync(onA, "q3-report.md", "Q3 report: customer churn fell to 3 percent after the onboarding redesign.");
        await Wait.UntilAsync(async () => Hits(await SearchAsync(onB, "churn")).Any(), WaitLimit, "the report found from B");

        using var response = await onB.PostAsJsonAsync("/api/chat", new { message = "What did the Q3 report say about churn?", knowledge = true }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.JsonAsync();
        var first = answer.GetProperty("sources").EnumerateArray().First();
        Assert.Equal(1, first.GetProperty("number").GetInt32());
        Assert.Equal("q3-report.md", first.GetProperty("file").GetString());
        Assert.Equal(Id(a), first.GetProperty("node_id").GetString());
        Assert.Contains("<mark>churn</mark>", first.GetProperty("snippet").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"/api/peers/{Id(a)}/files/q3-report.md", first.GetProperty("download_url").GetString());
        var messages = ollama.LastRequest!["messages"]!.AsArray();
        Assert.Contains("[1]", messages[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal); // told to cite by number
        var prompt = messages[^1]!["content"]!.GetValue<string>();
        Assert.Contains("[1] q3-report.md (on alpha):\nQ3 report: customer churn fell to 3 percent", prompt, StringComparison.Ordinal);
        Assert.EndsWith("Question: What did the Q3 report say about churn?", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnowledgeChat_Streamed_DoneEventHasTheSources_AndAPlainChatHasNone()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("alpha", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();
        await UploadAsync(client, "runbook.txt", "To restart the ingest service, run the restart script.");
        await Wait.UntilAsync(async () => Hits(await SearchAsync(client, "ingest")).Any(), WaitLimit, "the runbook indexed");

        var events = await StreamChatAsync(client, new { message = "how do I restart ingest?", knowledge = true, stream = true });
        var plain = await StreamChatAsync(client, new { message = "how do I restart ingest?", stream = true });

        var done = events.Single(e => Type(e) == "done");
        Assert.Equal(["runbook.txt"], done.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("file").GetString()));
        Assert.False(plain.Single(e => Type(e) == "done").TryGetProperty("sources", out _));
        Assert.DoesNotContain("runbook", ollama.LastRequest!["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnowledgeChat_SourcesAreKeptWithTheExchange_ReadAgainHere_AndInThePeersCopyOfTheHistory()
    {
        await using var ollama = await FixtureAsync();
        await using var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", ollama.BaseAddress.ToString(), [a]);
        await UntilLinkedAsync(b, a);
        await UntilLocalLlmAsync(b);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        await UploadAsync(onA, "q3-report.md", "Q3 report: customer churn fell to 3 percent after the onboarding redesign.");
        await Wait.UntilAsync(async () => Hits(await SearchAsync(onB, "churn")).Any(), WaitLimit, "the report found from B");
        using var asked = await onB.PostAsJsonAsync("/api/chat", new { message = "What did the Q3 report say about churn?", knowledge = true }, Ct);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var answer = await asked.JsonAsync();
        var conversation = answer.GetProperty("conversation_id").GetString()!;
        using var plain = await onB.PostAsJsonAsync("/api/chat", new { message = "And without files?", conversation_id = conversation }, Ct);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);

        using var read = await onB.GetAsync($"/api/conversations/{conversation}", Ct);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var exchanges = (await read.JsonAsync()).GetProperty("exchanges").EnumerateArray().ToList();
        Assert.Equal(2, exchanges.Count);
        var kept = exchanges[0].GetProperty("sources").EnumerateArray().Single();
        var given = answer.GetProperty("sources").EnumerateArray().Single();
        foreach (var field in new[] { "number", "node_id", "node", "file", "snippet", "download_url" })
        {
            Assert.Equal(given.GetProperty(field).ToString(), kept.GetProperty(field).ToString());
        }

        Assert.Equal($"/api/peers/{Id(a)}/files/q3-report.md", kept.GetProperty("download_url").GetString());
        Assert.Equal(JsonValueKind.Null, exchanges[1].GetProperty("sources").ValueKind); // asked without mesh files

        // A received B's history: the same source, linked as A serves the file (its own).
        JsonElement? received = null;
        await Wait.UntilAsync(async () =>
        {
            using var response = await onA.GetAsync($"/api/peers/{Id(b)}/conversations", Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            received = (await response.JsonAsync()).GetProperty("exchanges").EnumerateArray()
                .FirstOrDefault(e => e.GetProperty("id").GetString() == exchanges[0].GetProperty("id").GetString());
            return received is { ValueKind: JsonValueKind.Object };
        }, WaitLimit, "A to receive B's exchange");
        var onAsSide = received!.Value.GetProperty("sources").EnumerateArray().Single();
        Assert.Equal("q3-report.md", onAsSide.GetProperty("file").GetString());
        Assert.Equal(Id(a), onAsSide.GetProperty("node_id").GetString());
        Assert.Contains("<mark>churn</mark>", onAsSide.GetProperty("snippet").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/api/files/q3-report.md", onAsSide.GetProperty("download_url").GetString());
    }
}
