using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MeshMind.Knowledge.Index;
using MeshMind.Infrastructure;
using MeshMind.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Knowledge;

/// <summary>Search across in-process nodes on loopback: found from another node within seconds, peers away or hung, bad queries.</summary>
public sealed class MeshSearchTests
{
    internal static async Task UploadAsync(HttpClient client, string name, string text)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "file", name } };
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/upload", form, Ct)).StatusCode);
    }

    internal static async Task<JsonElement> SearchAsync(HttpClient client, string query, int k = 10)
    {
        using var response = await client.GetAsync($"/api/search?q={Uri.EscapeDataString(query)}&k={k}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    internal static IEnumerable<JsonElement> Hits(JsonElement result) => result.GetProperty("hits").EnumerateArray();

    internal static IEnumerable<string> Missing(JsonElement result) => result.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!);

    private static Task<TestNode> StartWithAsync(string name, TestNode[] peers, Dictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var flags = new Dictionary<string, string?>
        {
            ["Node:Name"] = name,
            ["Llm:OllamaUrl"] = NoLlm,
            ["Mesh:PingInterval"] = "00:00:00.500",
        };
        for (var i = 0; i < peers.Length; i++)
        {
            flags[$"Mesh:Peers:{i}"] = $"127.0.0.1:{Service<BoundEndpoints>(peers[i]).MeshPort.ToString(CultureInfo.InvariantCulture)}";
        }

        foreach (var (key, value) in extra ?? [])
        {
            flags[key] = value;
        }

        return TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = Secret }, commandLine: flags, services: services);
    }

    [Fact]
    public async Task UploadOnA_FoundFromC_WithinSeconds_HighlightedWithItsLink_AndGoneWhenDeleted()
    {
        await using var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await using var c = await StartAsync("charlie", NoLlm, [a, b]);
        await UntilLinkedAsync(c, a);
        await UntilLinkedAsync(c, b);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        using var onC = await c.CreateLoggedInClientAsync();
        await UploadAsync(onB, "recipes.txt", "Bake the bread for forty minutes; the third loaf burns.");
        const string Report = "Q3 report. Customer churn fell to 3 percent in the third quarter, after the new onboarding.";

        await UploadAsync(onA, "q3-report.md", Report);
        var clock = Stopwatch.StartNew();
        JsonElement result = default;
        await Wait.UntilAsync(async () => Hits(result = await SearchAsync(onC, "churn")).Any(), WaitLimit, "A's report found from C");
        var foundAfter = clock.Elapsed;

        Assert.True(foundAfter < TimeSpan.FromSeconds(5), $"found after {foundAfter}");
        var hit = Assert.Single(Hits(result));
        Assert.Equal(Id(a), hit.GetProperty("node_id").GetString());
        Assert.Equal("alpha", hit.GetProperty("node").GetString());
        Assert.Equal("q3-report.md", hit.GetProperty("file").GetString());
        Assert.Contains("Customer <mark>churn</mark> fell", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.True(hit.GetProperty("score").GetDouble() > 0);
        Assert.Empty(Missing(result));
        Assert.Equal(Report, await onC.GetStringAsync(hit.GetProperty("download_url").GetString(), Ct));

        // Words in both nodes' files: both found, each named by its node.
        var third = await SearchAsync(onC, "third");
        Assert.Equal(["alpha", "bravo"], Hits(third).Select(h => h.GetProperty("node").GetString()).Order());

        Assert.Equal(HttpStatusCode.NoContent, (await onA.DeleteAsync("/api/files/q3-report.md", Ct)).StatusCode);
        await Wait.UntilAsync(async () => !Hits(await SearchAsync(onC, "churn")).Any(), WaitLimit, "the deleted report gone from C's search");
    }

    [Fact]
    public async Task StoppedPeer_ItsHitsDisappear_AndItIsMissing()
    {
        var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await UntilLinkedAsync(b, a);
        var aId = Id(a);
        using var onB = await b.CreateLoggedInClientAsync();
        using (var onA = await a.CreateLoggedInClientAsync())
        {
            await UploadAsync(onA, "zebra.txt", "The zebra crossed the savanna.");
        }

        await Wait.UntilAsync(async () => Hits(await SearchAsync(onB, "zebra")).Any(), WaitLimit, "A's file found from B");

        await a.DisposeAsync();

        JsonElement result = default;
        await Wait.UntilAsync(async () => Missing(result = await SearchAsync(onB, "zebra")).Contains(aId), WaitLimit, "A reported missing");
        Assert.Empty(Hits(result));
    }

    [Fact]
    public async Task HungPeer_CostsAtMostTheBudget_AndIsMissing_WhileOthersAnswer()
    {
        await using var hung = await StartWithAsync("hung", [], services: s => s.AddSingleton<IStartupFilter>(new HangSearches()));
        await using var b = await StartWithAsync("bravo", [hung]);
        await using var c = await StartWithAsync("charlie", [hung, b], new() { ["Knowledge:SearchBudget"] = "00:00:00.400" });
        await UntilLinkedAsync(c, hung);
        await UntilLinkedAsync(c, b);
        using var onB = await b.CreateLoggedInClientAsync();
        using var onC = await c.CreateLoggedInClientAsync();
        await UploadAsync(onB, "notes.txt", "Meeting notes: the budget was approved.");
        await Wait.UntilAsync(async () => Hits(await SearchAsync(onC, "approved")).Any(), WaitLimit, "B's notes found from C");

        var clock = Stopwatch.StartNew();
        var result = await SearchAsync(onC, "approved");
        var took = clock.Elapsed;

        Assert.Equal(["bravo"], Hits(result).Select(h => h.GetProperty("node").GetString()));
        Assert.Equal([Id(hung)], Missing(result));
        Assert.InRange(took, TimeSpan.FromMilliseconds(350), TimeSpan.FromMilliseconds(400 + 600)); // the budget, plus slack for a loaded CI machine
    }

    [Theory]
    [InlineData("/api/search")]
    [InlineData("/api/search?q=")]
    [InlineData("/api/search?q=%20%20")]
    [InlineData("/api/search?q=%3F%21")]
    [InlineData("/api/search?q=churn&k=0")]
    [InlineData("/api/search?q=churn&k=51")]
    [InlineData("/api/search?q=churn&k=many")]
    public async Task Search_BadQuery_Is400WithAReason(string url)
    {
        await using var node = await StartAsync("alpha", NoLlm);
        using var client = await node.CreateLoggedInClientAsync();

        using var response = await client.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        if (!url.EndsWith("many", StringComparison.Ordinal))
        {
            Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("error").GetString()));
        }
    }

    [Fact]
    public async Task Search_TooLongQuery_Is400_AndWithoutLogin_Is401()
    {
        await using var node = await StartAsync("alpha", NoLlm);
        using var client = await node.CreateLoggedInClientAsync();
        using var anonymous = node.CreateClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/search?q=" + new string('a', 501), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/search?q=churn", Ct)).StatusCode);
    }

    [Fact]
    public async Task Index_SurvivesRestart_ReindexesOnlyChangedContent_AndForgetsDeletedFiles()
    {
        using var dirs = new TempDirectory();
        var extra = new Dictionary<string, string?> { ["Node:DataDir"] = dirs.Combine("a") };
        var node = await StartAsync("alpha", NoLlm, extra: extra);
        var client = await node.CreateLoggedInClientAsync();
        await UploadAsync(client, "plan.txt", "The plan: ship the falcon release in spring.");
        await UploadAsync(client, "photo.jpg", "\0\u0001binary");
        var indexer = Service<KnowledgeIndexer>(node);
        await Wait.UntilAsync(() => indexer.Idle, WaitLimit, "the uploads indexed");
        Assert.Equal(2, indexer.FilesIndexed);
        Assert.Single(Hits(await SearchAsync(client, "falcon")));

        await UploadAsync(client, "plan.txt", "The plan: ship the falcon release in spring.");
        await Wait.UntilAsync(() => indexer.Idle, WaitLimit, "the same upload looked at");
        Assert.Equal(2, indexer.FilesIndexed);

        await UploadAsync(client, "plan.txt", "The plan changed: ship the osprey release in summer.");
        await Wait.UntilAsync(() => indexer.Idle, WaitLimit, "the changed upload indexed");
        Assert.Equal(3, indexer.FilesIndexed);
        Assert.Empty(Hits(await SearchAsync(client, "falcon")));
        Assert.Single(Hits(await SearchAsync(client, "osprey")));

        client.Dispose();
        await node.DisposeAsync();
        await using var again = await StartAsync("alpha", NoLlm, extra: extra);
        using var clientAgain = await again.CreateLoggedInClientAsync();
        var indexerAgain = Service<KnowledgeIndexer>(again);
        await Wait.UntilAsync(() => indexerAgain.Idle, WaitLimit, "the first pass after the restart");
        Assert.Equal(0, indexerAgain.FilesIndexed);
        Assert.Single(Hits(await SearchAsync(clientAgain, "osprey")));

        Assert.Equal(HttpStatusCode.NoContent, (await clientAgain.DeleteAsync("/api/files/plan.txt", Ct)).StatusCode);
        await Wait.UntilAsync(() => indexerAgain.Idle, WaitLimit, "the deletion looked at");
        Assert.Empty(Hits(await SearchAsync(clientAgain, "osprey")));
        Assert.Equal((1L, 0L), await Service<KnowledgeIndex>(again).CountAsync(Ct)); // photo.jpg: known, no text
    }

    /// <summary>A node whose search endpoint never answers (until the caller gives up).</summary>
    private sealed class HangSearches : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path.StartsWithSegments("/mesh/knowledge/search", StringComparison.Ordinal))
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                    return;
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
