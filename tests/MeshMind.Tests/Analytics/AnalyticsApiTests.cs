using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Analytics;

/// <summary>Scripted traffic through real in-process nodes, then the analytics API must report exactly that traffic.</summary>
public sealed class AnalyticsApiTests
{
    private const string Secret = "analytics-test-secret-0123456789";
    private static readonly Dictionary<string, string?> FastFlush = new() { ["Analytics:FlushInterval"] = "00:00:00.200" };

    private static async Task<JsonElement> AnalyticsAsync(HttpClient client, string what, string range = "1h")
    {
        var response = await client.GetAsync($"/api/analytics/{what}?range={range}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static JsonElement? Find(JsonElement array, string property, string value) =>
        array.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(e => e!.Value.GetProperty(property).GetString() == value);

    private static long Long(JsonElement e, string property) => e.GetProperty(property).GetInt64();

    [Fact]
    public async Task Perf_CountsEachRouteTemplate_WithStatusClassesLatencyAndBytes()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        long statusBytes = 0;
        for (var i = 0; i < 25; i++)
        {
            statusBytes += (await client.GetByteArrayAsync("/api/status", Ct)).Length;
        }

        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/files/missing-{i}.txt", Ct)).StatusCode);
        }

        var perf = await AnalyticsAsync(client, "perf");

        var status = Find(perf.GetProperty("routes"), "route", "GET /api/status")!.Value;
        Assert.Equal(25, Long(status, "count"));
        Assert.Equal(0, Long(status, "errors") + Long(status, "client_errors"));
        Assert.Equal(statusBytes, Long(status, "bytes_out"));
        var latency = status.GetProperty("latency_ms");
        Assert.Equal(25, Long(latency, "count"));
        Assert.True(latency.GetProperty("p50").GetDouble() > 0);
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
        Assert.True(latency.GetProperty("p99").GetDouble() <= latency.GetProperty("max").GetDouble());

        var files = Find(perf.GetProperty("routes"), "route", "GET /api/files/{filename}")!.Value;
        Assert.Equal(7, Long(files, "count"));
        Assert.Equal(7, Long(files, "client_errors"));
        Assert.DoesNotContain(perf.GetProperty("routes").EnumerateArray(), r => r.GetProperty("route").GetString()!.Contains("missing", StringComparison.Ordinal));
        Assert.Equal(1, Long(Find(perf.GetProperty("routes"), "route", "POST /api/auth/login")!.Value, "count"));

        var series = perf.GetProperty("latency_over_time").EnumerateArray().ToList();
        Assert.Equal(60, series.Count);
        Assert.Equal(60, perf.GetProperty("bucket_seconds").GetInt32());
        Assert.True(series.Sum(p => Long(p, "count")) >= 33);
    }

    [Fact]
    public async Task Chat_And_Engagement_ReportTheChatsSent_ByModelHostAndConversation()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();
        using var stranger = node.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await stranger.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "wrong" }, Ct)).StatusCode);

        var first = await (await client.PostAsJsonAsync("/api/chat", new { message = "one" }, Ct)).JsonAsync();
        var conversation = first.GetProperty("conversation_id").GetString();
        for (var i = 0; i < 2; i++)
        {
            (await client.PostAsJsonAsync("/api/chat", new { message = "more", conversation_id = conversation }, Ct)).EnsureSuccessStatusCode();
        }

        for (var i = 0; i < 2; i++)
        {
            (await client.PostAsJsonAsync("/api/chat", new { message = "fresh" }, Ct)).EnsureSuccessStatusCode();
        }

        (await client.PostAsJsonAsync("/v1/chat/completions", new { model = "llama3", messages = new[] { new { role = "user", content = "hi" } } }, Ct))
            .EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/api/chat", new { message = "x", model = "mistral" }, Ct)).StatusCode);

        var chat = await AnalyticsAsync(client, "chat");
        Assert.Equal(7, Long(chat, "total"));
        Assert.Equal(1, Long(chat, "errors"));
        Assert.Equal(0, Long(chat, "failovers"));
        Assert.Equal(6, Long(Find(chat.GetProperty("by_model"), "model", "llama3:latest")!.Value, "count"));
        var host = Assert.Single(chat.GetProperty("by_host").EnumerateArray());
        Assert.Equal(Id(node), host.GetProperty("node_id").GetString());
        Assert.Equal("solo", host.GetProperty("name").GetString());
        Assert.True(host.GetProperty("local").GetBoolean());
        Assert.Equal(6, Long(host, "count"));
        Assert.Equal(6, Long(chat.GetProperty("ttft_ms"), "count"));
        Assert.Equal(6, Long(chat.GetProperty("tokens_per_second"), "count"));
        Assert.True(chat.GetProperty("tokens_per_second").GetProperty("p50").GetDouble() > 0);
        Assert.Equal(1, Long(Find(chat.GetProperty("errors_by_reason"), "reason", "unknown_model")!.Value, "count"));
        Assert.Equal(7, chat.GetProperty("over_time").EnumerateArray().Sum(p => Long(p, "count")));

        var perf = await AnalyticsAsync(client, "perf");
        Assert.Equal(6, Long(Find(perf.GetProperty("calls"), "route", "POST /api/chat")!.Value, "count"));

        var engagement = await AnalyticsAsync(client, "engagement");
        Assert.Equal(7, Long(engagement, "messages"));
        // Three conversations answered, and the new one the refused message started.
        Assert.Equal(4, Long(engagement, "active_conversations"));
        Assert.Equal(1, Long(engagement, "logins"));
        Assert.Equal(1, Long(engagement, "failed_logins"));
        Assert.Equal(7, engagement.GetProperty("messages_per_hour").EnumerateArray().Sum(p => Long(p, "count")));
        Assert.Equal(7, engagement.GetProperty("messages_per_day").EnumerateArray().Sum(p => Long(p, "count")));
    }

    [Fact]
    public async Task Chat_CountsAFailover_WhenTheFirstHostFailsBeforeAnswering()
    {
        await using var broken = await FixtureAsync(new FakeOllamaOptions { Fault = FakeFault.ServerError });
        await using var healthy = await FixtureAsync(Only("llama3:latest", loaded: false));
        await using var bad = await StartAsync("bad", broken.BaseAddress.ToString());
        await using var good = await StartAsync("good", healthy.BaseAddress.ToString());
        await using var asker = await StartAsync("asker", NoLlm, [bad, good]);
        await UntilRoutableAsync(asker, bad);
        await UntilRoutableAsync(asker, good);
        using var client = await asker.CreateLoggedInClientAsync();

        var answer = await (await client.PostAsJsonAsync("/api/chat", new { message = "hello", model = "llama3" }, Ct)).JsonAsync();
        Assert.Equal("good", answer.GetProperty("host").GetProperty("name").GetString());

        var chat = await AnalyticsAsync(client, "chat");
        Assert.Equal(1, Long(chat, "total"));
        Assert.Equal(0, Long(chat, "errors"));
        Assert.Equal(1, Long(chat, "failovers"));
        var host = Assert.Single(chat.GetProperty("by_host").EnumerateArray());
        Assert.Equal(("good", false), (host.GetProperty("name").GetString(), host.GetProperty("local").GetBoolean()));
        var perf = await AnalyticsAsync(client, "perf");
        var calls = perf.GetProperty("calls").EnumerateArray().Where(c => c.GetProperty("target").GetString() == "peer").ToList();
        Assert.Equal(2, calls.Where(c => c.GetProperty("route").GetString() == "POST /api/chat").Sum(c => Long(c, "count")));
        Assert.Equal(1, calls.Where(c => c.GetProperty("route").GetString() == "POST /api/chat").Sum(c => Long(c, "errors")));
    }

    [Fact]
    public async Task Files_ReportUploadsDownloadsAndProxiedBytes_OnBothNodes()
    {
        await using var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await UntilLinkedAsync(b, a);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        var small = new byte[10_000];
        var large = new byte[300_000];
        Random.Shared.NextBytes(large);
        foreach (var (content, name) in new[] { (small, "small.bin"), (large, "large.bin") })
        {
            (await onA.PostAsync("/api/upload", new MultipartFormDataContent { { new ByteArrayContent(content), "file", name } }, Ct)).EnsureSuccessStatusCode();
        }

        Assert.Equal(small.Length, (await onA.GetByteArrayAsync("/api/files/small.bin", Ct)).Length);
        await Wait.UntilAsync(async () => (await onB.GetAsync($"/api/peers/{Id(a)}/files/large.bin", Ct)) is { StatusCode: HttpStatusCode.OK } r
            && (await r.Content.ReadAsByteArrayAsync(Ct)).SequenceEqual(large), WaitLimit, "bravo downloads alpha's file");

        var onAFiles = await AnalyticsAsync(onA, "files");
        Assert.Equal((2, small.Length + large.Length), (Long(onAFiles.GetProperty("uploads"), "count"), Long(onAFiles.GetProperty("uploads"), "bytes")));
        Assert.Equal((1, small.Length), (Long(onAFiles.GetProperty("downloads"), "count"), Long(onAFiles.GetProperty("downloads"), "bytes")));
        Assert.Equal((1, large.Length), (Long(onAFiles.GetProperty("served_to_peers"), "count"), Long(onAFiles.GetProperty("served_to_peers"), "bytes")));
        Assert.Equal(large.Length, Long(Find(onAFiles.GetProperty("by_node"), "node_id", Id(b))!.Value, "served_bytes"));

        var onBFiles = await AnalyticsAsync(onB, "files");
        Assert.Equal((1, large.Length), (Long(onBFiles.GetProperty("proxied"), "count"), Long(onBFiles.GetProperty("proxied"), "bytes")));
        var fromA = Find(onBFiles.GetProperty("by_node"), "node_id", Id(a))!.Value;
        Assert.Equal(("alpha", (long)large.Length), (fromA.GetProperty("name").GetString(), Long(fromA, "proxied_bytes")));
        Assert.Equal(large.Length, onBFiles.GetProperty("over_time").EnumerateArray().Sum(p => Long(p, "proxied_bytes")));

        var network = await AnalyticsAsync(onB, "network");
        var proxy = Find(network.GetProperty("bytes"), "channel", "proxy")!.Value;
        Assert.True(Long(proxy, "in") >= large.Length, $"proxy bytes in {Long(proxy, "in")}");
    }

    [Fact]
    public async Task Network_ReportsLinkRoundTrips_PeersOverTime_AndLinkBytes()
    {
        await using var a = await StartAsync("alpha", NoLlm, extra: FastFlush);
        await using var b = await StartAsync("bravo", NoLlm, [a], FastFlush);
        await UntilLinkedAsync(b, a);
        using var onB = await b.CreateLoggedInClientAsync();

        JsonElement network = default;
        await Wait.UntilAsync(async () =>
        {
            network = await AnalyticsAsync(onB, "network");
            var links = Find(network.GetProperty("bytes"), "channel", "links")!.Value;
            return Find(network.GetProperty("link_rtt_ms"), "node_id", Id(a)) is { } rtt && Long(rtt.GetProperty("rtt"), "count") >= 2
                && Long(links, "in") > 0 && Long(links, "out") > 0
                && network.GetProperty("peers_over_time").EnumerateArray().Any(p => Long(p, "peers") == 1);
        }, WaitLimit, "two pings, link bytes and the linked peer in bravo's network analytics");

        Assert.Equal(1, network.GetProperty("links_up").GetInt32());
        var row = Find(network.GetProperty("link_rtt_ms"), "node_id", Id(a))!.Value;
        Assert.Equal("alpha", row.GetProperty("name").GetString());
        Assert.True(row.GetProperty("rtt").GetProperty("p50").GetDouble() > 0);
        Assert.Equal(0, Long(network.GetProperty("discovery"), "sent"));   // discovery is off in these tests
    }

    [Fact]
    public async Task History_SurvivesARestart_OnTheSameDataDirectory()
    {
        using var directory = new TempDirectory();
        var dataDir = directory.Combine("data");
        await using (var first = await TestNode.StartAsync(dataDir: dataDir))
        {
            using var client = await first.CreateLoggedInClientAsync();
            for (var i = 0; i < 9; i++)
            {
                (await client.GetAsync("/api/status", Ct)).EnsureSuccessStatusCode();
            }
        }

        await using var second = await TestNode.StartAsync(dataDir: dataDir);
        using var again = await second.CreateLoggedInClientAsync();

        var perf = await AnalyticsAsync(again, "perf", "24h");
        Assert.Equal(9, Long(Find(perf.GetProperty("routes"), "route", "GET /api/status")!.Value, "count"));
        Assert.Equal(2, Long(Find(perf.GetProperty("routes"), "route", "POST /api/auth/login")!.Value, "count"));
        Assert.Equal(2, Long(await AnalyticsAsync(again, "engagement", "7d"), "logins"));
    }

    [Theory]
    [InlineData("2h")]
    [InlineData("x")]
    [InlineData("1h;drop")]
    public async Task BadRange_Is400_AndAnonymousIs401(string range)
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        using var anonymous = node.CreateClient();

        var bad = await client.GetAsync($"/api/analytics/chat?range={Uri.EscapeDataString(range)}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("1h, 6h, 24h, 7d, 30d", (await bad.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        foreach (var what in new[] { "perf", "chat", "files", "engagement", "network" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/analytics/{what}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/analytics/{what}?range=30d", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task Network_DiscoveryCounts_MatchTheDatagramsEachNodeSawAndDropped()
    {
        var port = FreePort.Udp();
        Dictionary<string, string?> Loopback(string name) => new(FastFlush)
        {
            ["Node:Name"] = name,
            ["Discovery:Mode"] = "loopback",
            ["Discovery:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var a = await TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = Secret }, commandLine: Loopback("alpha"));
        await using var b = await TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = Secret }, commandLine: Loopback("bravo"));
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        using (var udp = new System.Net.Sockets.UdpClient())
        {
            for (var i = 0; i < 3; i++)
            {
                await udp.SendAsync("not a meshmind datagram"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, port), Ct);
            }
        }

        // Each node's analytics must come to agree with its own discovery counters (sampled every 200 ms here), and between
        // them the nodes dropped the 3 datagrams (each went to one of the two sockets on the port). Both at the same reading:
        // one node's agreeing before the datagrams were handled is no proof.
        long garbage = 0;
        await Wait.UntilAsync(async () =>
        {
            garbage = 0;
            foreach (var client in new[] { onA, onB })
            {
                var stats = await (await client.GetAsync("/api/discovery", Ct)).JsonAsync();
                var network = await AnalyticsAsync(client, "network");
                var discovery = network.GetProperty("discovery");
                var bytes = Find(network.GetProperty("bytes"), "channel", "discovery")!.Value;
                var dropped = Find(discovery.GetProperty("dropped"), "reason", "Garbage") is { } d ? Long(d, "count") : 0;
                if (Long(discovery, "sent") == 0 || Long(discovery, "sent") != Long(stats, "sent") || Long(discovery, "received") != Long(stats, "received")
                    || Long(bytes, "in") != Long(stats, "bytes_in") || Long(bytes, "out") != Long(stats, "bytes_out")
                    || dropped != stats.GetProperty("dropped").GetProperty("Garbage").GetInt64())
                {
                    return false;
                }

                garbage += dropped;
            }

            return garbage >= 3;
        }, WaitLimit, "the nodes' network analytics to match their discovery counters, with the 3 datagrams dropped");

        Assert.Equal(3, garbage);
    }
}
