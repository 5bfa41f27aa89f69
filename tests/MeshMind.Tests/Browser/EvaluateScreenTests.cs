using MeshMind.Evaluation;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>The Evaluate screen (issue 18, point 5) in a real browser: a short `meshmind eval` run from the screen, and its report.</summary>
public sealed class EvaluateScreenTests
{
    [Fact]
    public async Task Evaluate_ShortRunStartedOnTheScreen_ShowsItsProgress_ThenTheReportWithEveryChartDrawn()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { TokenDelay = TimeSpan.FromMilliseconds(5) });
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/evaluate").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Evaluate", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("evaluate-none")).ToBeVisibleAsync();

        // A duration out of range is caught on the screen, before anything starts.
        await page.GetByLabel("Load phase (seconds)").FillAsync("5");
        await page.GetByTestId("evaluate-run").ClickAsync();
        await Expect(page.GetByTestId("evaluate-problem")).ToHaveTextAsync("Choose 10 to 300 seconds");

        await page.GetByLabel("Load phase (seconds)").FillAsync("10");
        await page.GetByTestId("evaluate-run").ClickAsync();
        var progress = page.GetByRole(AriaRole.Progressbar, new() { Name = "Evaluation progress" });
        await Expect(progress).ToBeVisibleAsync();
        await Expect(page.GetByTestId("evaluate-run")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("evaluation-phase")).ToHaveAttributeAsync("data-phase", "load", new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("evaluation-status")).ToContainTextAsync("chat");
        Assert.True(int.Parse(await progress.GetAttributeAsync("aria-valuenow") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 0);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "evaluate (running)");

        await Expect(page.GetByTestId("evaluation-state")).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 90_000 });
        var report = page.FrameLocator("[data-testid='evaluation-report']");
        var charts = report.Locator("figure.chart");
        await Expect(charts).ToHaveCountAsync(6, new() { Timeout = 15_000 });
        for (var i = 0; i < 6; i++)
        {
            var svg = charts.Nth(i).Locator("svg");
            await Expect(svg).ToBeVisibleAsync();
            var box = await svg.BoundingBoxAsync();
            Assert.True(box is { Width: > 300, Height: > 150 }, $"chart {i} is drawn ({box?.Width} × {box?.Height})");
        }

        // The latency CDF has a line per measured path; the report's summary names the chats.
        Assert.True(await report.Locator("figure[data-chart='latency-cdf'] svg").Locator("path, polyline, line").CountAsync() > 10);
        await Expect(report.Locator("h1")).ToHaveTextAsync("MeshMind evaluation");
        // The frame is sandboxed: no script, and an origin of its own.
        Assert.Equal("", await page.GetByTestId("evaluation-report").GetAttributeAsync("sandbox"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("evaluation-results").ClickAsync());
        Assert.Matches("^meshmind-evaluation-[0-9a-f]{16}\\.json$", download.SuggestedFilename);
        var saved = Path.Combine(node.DataDir, "..", "downloaded.json");
        await download.SaveAsAsync(saved);
        Assert.Contains("\"latency\"", await File.ReadAllTextAsync(saved, Ct), StringComparison.Ordinal);

        // axe on the screen around the report, not in it: axe runs its script in every frame, and the sandboxed report allows none.
        await Accessibility.AssertNoSeriousViolationsAsync(page.GetByTestId("evaluate-start"), "evaluate (report): start");
        await Accessibility.AssertNoSeriousViolationsAsync(page.GetByTestId("evaluation-state"), "evaluate (report): state");
        await page.ScreenshotAsync(new() { Path = Support.Browser.ArtifactPath("evaluate.png"), FullPage = true });
    }

    [Fact]
    public async Task Evaluate_LabProgramMissing_TheScreenSaysHowToInstallIt()
    {
        Support.Browser.RequireChromium();
        using var empty = new TempDirectory();
        await using var node = await TestNode.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton(new LabProgram(empty.Path))));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/evaluate").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await page.GetByTestId("evaluate-run").ClickAsync();

        var problem = page.GetByTestId("evaluate-problem");
        await Expect(problem).ToContainTextAsync("meshmind-lab is not installed beside this node");
        await Expect(problem).ToContainTextAsync("dotnet publish src/MeshMind.Lab");
        await Expect(page.GetByTestId("evaluate-none")).ToBeVisibleAsync();
    }
}
