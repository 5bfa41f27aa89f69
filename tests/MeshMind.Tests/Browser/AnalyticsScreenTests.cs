using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>The Analytics screen and the Dashboard's quick stats in a real browser, against a node's real analytics API.</summary>
public sealed partial class AnalyticsScreenTests
{
    private const int Chats = 3;
    private const int StatusCalls = 7;

    /// <summary>Ping and sample often, so the link's round trips and the peer count are in the history within a second.</summary>
    private static readonly Dictionary<string, string?> Quick = new() { ["Analytics:FlushInterval"] = "00:00:00.200" };

    [Fact]
    public async Task Analytics_AfterChatsThroughAPeer_ChartsDrawTheTraffic_AndTheDashboardSumsItUp()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { TokenDelay = TimeSpan.FromMilliseconds(5) });
        await using var host = await StartAsync("gpu-box", ollama.BaseAddress.ToString(), extra: Quick);
        await using var node = await StartAsync("laptop", NoLlm, [host], Quick);
        await UntilRoutableAsync(node, host);

        using (var client = await node.CreateLoggedInClientAsync())
        {
            for (var i = 0; i < Chats; i++)
            {
                var answer = await client.PostAsJsonAsync("/api/chat", new { message = $"question {i}" }, Ct);
                answer.EnsureSuccessStatusCode();
            }

            for (var i = 0; i < StatusCalls; i++)
            {
                (await client.GetAsync("/api/status", Ct)).EnsureSuccessStatusCode();
            }

            var file = new ByteArrayContent(new byte[40_000]);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var upload = new MultipartFormDataContent { { file, "file", "notes.bin" } };
            (await client.PostAsync("/api/upload", upload, Ct)).EnsureSuccessStatusCode();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/analytics?range=1h").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Analytics", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("range-1h")).ToHaveAttributeAsync("aria-pressed", "true");

        // Chat volume: the three answers, as bars.
        var volume = page.GetByTestId("chart-chat-volume");
        await Expect(volume).ToHaveAttributeAsync("data-state", "data", new() { Timeout = 15_000 });
        await Expect(volume.GetByTestId("chat-total")).ToHaveTextAsync(Chats.ToString(CultureInfo.InvariantCulture));
        await Expect(volume.Locator("path.recharts-rectangle")).Not.ToHaveCountAsync(0);

        // Every answer came from the peer with the LLM: one slice of the donut, named after it.
        var byHost = page.GetByTestId("chart-answers-by-host");
        await Expect(byHost).ToHaveAttributeAsync("data-state", "data");
        await Expect(byHost.Locator("path.recharts-sector")).ToHaveCountAsync(1);
        await Expect(byHost).ToContainTextAsync("gpu-box");

        var byModel = page.GetByTestId("chart-answers-by-model");
        await Expect(byModel).ToContainTextAsync("llama3:latest");
        await Expect(byModel.Locator("path.recharts-rectangle")).Not.ToHaveCountAsync(0);

        // The routes table counts at least the status calls made above (the page's own polls come on top).
        var routes = page.GetByTestId("chart-route-latency");
        await Expect(routes).ToHaveAttributeAsync("data-state", "data");
        await Expect(routes.Locator("path.recharts-rectangle")).Not.ToHaveCountAsync(0);
        var statusCount = routes.Locator("[data-testid='route-row'][data-route='GET /api/status']").GetByTestId("route-count");
        await Expect(statusCount).ToHaveTextAsync(Digits());
        Assert.True(Number(await statusCount.TextContentAsync()) >= StatusCalls, $"GET /api/status counted {await statusCount.TextContentAsync()} times");
        var chatCount = routes.Locator("[data-testid='route-row'][data-route='POST /api/chat']").GetByTestId("route-count");
        await Expect(chatCount).ToHaveTextAsync(Chats.ToString(CultureInfo.InvariantCulture));

        // p50, p95 and p99 lines; a minute with requests between empty ones is a dot, so something is drawn either way.
        var latency = page.GetByTestId("chart-latency-over-time");
        await Expect(latency.Locator("path.recharts-line-curve")).ToHaveCountAsync(3);
        await Expect(latency.Locator(".recharts-dot, path.recharts-line-curve[d*='L'], path.recharts-line-curve[d*='C']")).Not.ToHaveCountAsync(0);
        await Expect(page.GetByTestId("chart-speed")).ToHaveAttributeAsync("data-state", "data");

        // The mesh link: its round trips, the peer over time, and the bytes it carried.
        var rtt = page.GetByTestId("chart-link-rtt").GetByTestId("rtt-row");
        await Expect(rtt).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(rtt).ToContainTextAsync("gpu-box");
        await Expect(page.GetByTestId("chart-peers").Locator("path.recharts-line-curve")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        var traffic = page.GetByTestId("chart-network-traffic");
        await Expect(traffic).ToHaveAttributeAsync("data-state", "data", new() { Timeout = 15_000 });
        await Expect(traffic.Locator("path.recharts-rectangle")).Not.ToHaveCountAsync(0);

        var files = page.GetByTestId("chart-files");
        await Expect(files).ToHaveAttributeAsync("data-state", "data");
        await Expect(files.GetByTestId("files-uploads")).ToHaveTextAsync("1 · 39 KB");
        await Expect(files.Locator("path.recharts-rectangle")).Not.ToHaveCountAsync(0);

        // Discovery is off in tests: an empty state, not an empty chart.
        var discovery = page.GetByTestId("chart-discovery");
        await Expect(discovery).ToHaveAttributeAsync("data-state", "empty");
        await Expect(discovery.GetByTestId("chart-empty")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("analytics-screen.png"), FullPage = true });

        // Another range asks the node for it and keeps it in the address.
        await page.RunAndWaitForRequestAsync(
            () => page.GetByTestId("range-24h").ClickAsync(),
            request => request.Url.EndsWith("/api/analytics/chat?range=24h", StringComparison.Ordinal));
        Assert.Equal("?range=24h", new Uri(page.Url).Query);
        await Expect(page.GetByTestId("range-24h")).ToHaveAttributeAsync("aria-pressed", "true");
        // Five new queries, each read under the analytics gate that the 200 ms flushes also take (a SQLite write each):
        // on a loaded machine that took longer than the default 5 s once, so the same allowance as the first load.
        await Expect(volume.GetByTestId("chat-total")).ToHaveTextAsync(Chats.ToString(CultureInfo.InvariantCulture), new() { Timeout = 15_000 });

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("stat-chats")).ToHaveTextAsync(Chats.ToString(CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("stat-tokens-per-second")).ToHaveTextAsync(TokensPerSecond());
        await Expect(page.GetByTestId("stat-p95-latency")).ToHaveTextAsync(Duration());
        await Expect(page.GetByTestId("peer-count")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("dashboard-quick-stats.png"), FullPage = true });
    }

    [Fact]
    public async Task Analytics_OnANewNodeWithoutChats_ShowsEmptyStatesInsteadOfCharts()
    {
        Support.Browser.RequireChromium();
        await using var node = await StartAsync("fresh", NoLlm);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/analytics").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        await Expect(page.GetByTestId("range-24h")).ToHaveAttributeAsync("aria-pressed", "true");
        foreach (var chart in new[] { "chart-chat-volume", "chart-answers-by-host", "chart-answers-by-model", "chart-speed", "chart-link-rtt", "chart-peers" })
        {
            var card = page.GetByTestId(chart);
            await Expect(card).ToHaveAttributeAsync("data-state", "empty", new() { Timeout = 15_000 });
            await Expect(card.GetByTestId("chart-empty")).ToContainTextAsync("No data yet");
            await Expect(card.Locator("svg.recharts-surface")).ToHaveCountAsync(0);
        }

        // The page's own requests to the node are traffic already: that chart has data from the start.
        await Expect(page.GetByTestId("chart-route-latency")).ToHaveAttributeAsync("data-state", "data", new() { Timeout = 15_000 });

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("stat-chats")).ToHaveTextAsync("0", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("stat-tokens-per-second")).ToHaveTextAsync("—");
        await Expect(page.GetByTestId("stat-p95-latency")).ToHaveTextAsync("—");
    }

    [GeneratedRegex(@"^\d[\d,.\u202f\u00a0]*$")]
    private static partial Regex Digits();

    [GeneratedRegex(@"^[\d.,]+ tok/s$")]
    private static partial Regex TokensPerSecond();

    [GeneratedRegex(@"^[\d.,]+ m?s$")]
    private static partial Regex Duration();

    [GeneratedRegex(@"\D")]
    private static partial Regex NonDigit();

    private static int Number(string? text) => int.Parse(NonDigit().Replace(text ?? "", ""), CultureInfo.InvariantCulture);
}
