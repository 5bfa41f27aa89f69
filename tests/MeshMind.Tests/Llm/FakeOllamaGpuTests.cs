using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Llm;

/// <summary>
/// The fixture with a simulated GPU (<see cref="FakeOllamaOptions.Gpu"/>), through real HTTP on a fake clock: the clock
/// is moved once everything is in place, and the simulation alone decides the order and the statistics.
/// </summary>
public sealed class FakeOllamaGpuTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private static FakeOllamaOptions OneSlot(FakeTimeProvider time, int maxQueue = 512) => new()
    {
        Reply = "one two three four five",
        TimeProvider = time,
        Gpu = new GpuOptions { Slots = 1, MaxQueue = maxQueue, TokensPerSecond = 10, PrefillTokensPerSecond = 1_000, LoadTime = TimeSpan.FromSeconds(2) },
    };

    private static async Task<List<JsonElement>> ChatAsync(HttpClient http, string question, string? keepAlive = null)
    {
        var body = new Dictionary<string, object> { ["model"] = "llama3:latest", ["messages"] = new[] { new { role = "user", content = question } } };
        if (keepAlive is not null)
        {
            body["keep_alive"] = keepAlive;
        }

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(body) },
            HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = new List<JsonElement>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        while (await reader.ReadLineAsync(Ct) is { } line)
        {
            lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return lines;
    }

    private static long Ns(JsonElement final, string name) => final.GetProperty(name).GetInt64();

    [Fact]
    public async Task Chat_TwoStreamsOnOneSlot_ServedOneAfterTheOther()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeOllamaServer.StartAsync(OneSlot(time), cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var first = ChatAsync(http, "hello");
        await Wait.UntilAsync(() => server.Gpu!.Active == 1, Limit, "the first chat in the slot");
        var second = ChatAsync(http, "again");
        await Wait.UntilAsync(() => server.Gpu!.Queued == 1, Limit, "the second chat queued behind it");
        time.Advance(TimeSpan.FromMinutes(1));
        var a = await first.WaitAsync(Limit, Ct);
        var b = await second.WaitAsync(Limit, Ct);

        Assert.Equal(["one", " two", " three", " four", " five"], a[..^1].Select(l => l.GetProperty("message").GetProperty("content").GetString()));
        Assert.Equal(6, b.Count);
        var (fa, fb) = (a[^1], b[^1]);
        Assert.True(fa.GetProperty("done").GetBoolean() && fb.GetProperty("done").GetBoolean());

        // Alone in the slot, each decodes 5 tokens at 10/s; the second waits exactly the first's whole time.
        Assert.Equal(500_000_000, Ns(fa, "eval_duration"));
        Assert.Equal(500_000_000, Ns(fb, "eval_duration"));
        Assert.Equal(5, fb.GetProperty("eval_count").GetInt32());
        Assert.Equal(Ns(fa, "total_duration"), Ns(fa, "load_duration") + Ns(fa, "prompt_eval_duration") + Ns(fa, "eval_duration"));
        var waited = Ns(fb, "total_duration") - Ns(fb, "load_duration") - Ns(fb, "prompt_eval_duration") - Ns(fb, "eval_duration");
        Assert.Equal(Ns(fa, "total_duration"), waited);
        Assert.Equal(1_000_000L * fb.GetProperty("prompt_eval_count").GetInt32(), Ns(fb, "prompt_eval_duration"));
        Assert.Equal(2, server.Completed);
    }

    [Fact]
    public async Task Chat_QueueFull_503WithOllamasServerBusyError()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeOllamaServer.StartAsync(OneSlot(time, maxQueue: 0), cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var first = ChatAsync(http, "hello");
        await Wait.UntilAsync(() => server.Gpu!.Active == 1, Limit, "the first chat in the slot");

        using var refused = await http.PostAsJsonAsync("/api/chat", new { model = "llama3:latest", messages = new[] { new { role = "user", content = "me too" } } }, Ct);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal(FakeOllamaServer.ServerBusy, error.RootElement.GetProperty("error").GetString());
        Assert.True((await first.WaitAsync(Limit, Ct))[^1].GetProperty("done").GetBoolean());
        Assert.Equal(1, server.Gpu!.Rejected);
    }

    [Fact]
    public async Task Ps_ModelLoadedOnFirstUseWithItsKeepAliveThenUnloaded()
    {
        var time = new FakeTimeProvider();
        var options = OneSlot(time);
        options.Loaded = [];
        await using var server = await FakeOllamaServer.StartAsync(options, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        async Task<JsonElement[]> RunningAsync() =>
            [.. (await http.GetFromJsonAsync<JsonElement>("/api/ps", Ct)).GetProperty("models").EnumerateArray()];
        var start = time.GetUtcNow();

        var chat = ChatAsync(http, "hello", keepAlive: "1m");
        await Wait.UntilAsync(() => server.Gpu!.Active == 1, Limit, "the chat in the slot");
        Assert.Empty(await RunningAsync()); // loading, not loaded yet
        time.Advance(TimeSpan.FromSeconds(10));
        var final = (await chat.WaitAsync(Limit, Ct))[^1];

        Assert.Equal(2_000_000_000, Ns(final, "load_duration"));
        var loaded = Assert.Single(await RunningAsync());
        Assert.Equal("llama3:latest", loaded.GetProperty("name").GetString());
        var finished = start + TimeSpan.FromTicks(Ns(final, "total_duration") / 100);
        Assert.Equal(finished + TimeSpan.FromMinutes(1), loaded.GetProperty("expires_at").GetDateTimeOffset());

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await RunningAsync());
    }

    [Fact]
    public async Task Chat_KeepAliveNotADuration_400()
    {
        await using var server = await FakeOllamaServer.StartAsync(OneSlot(new FakeTimeProvider()), cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.PostAsJsonAsync("/api/chat",
            new { model = "llama3:latest", keep_alive = "soon", messages = new[] { new { role = "user", content = "hi" } } }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("keep_alive", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, server.Gpu!.Active);
    }
}
