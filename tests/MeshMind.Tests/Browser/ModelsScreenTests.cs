using System.Text.RegularExpressions;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>
/// The Models screen in a real browser on two nodes with their own Ollama: both nodes' models listed with where they are
/// loaded, a pull onto the peer showing its progress and then the model, a delete with its confirm taking it away again.
/// </summary>
public sealed partial class ModelsScreenTests
{
    [Fact]
    public async Task Inventory_PullOntoThePeerWithProgress_ThenDelete()
    {
        Support.Browser.RequireChromium();
        await using var mine = await FixtureAsync();
        await using var theirs = await FixtureAsync(new FakeOllamaOptions
        {
            Models = [new FakeModel("gemma:2b", "gemma", "2.5B", 1_678_000_000)],
            Loaded = ["gemma:2b"],
            Pullable = [new FakeModel("llama3.2:1b", "llama", "1.2B", 1_321_098_329)],
            // About three seconds, so the bar is seen moving.
            PullBytesPerSecond = 450_000_000,
            PullInterval = TimeSpan.FromMilliseconds(100),
        });
        await using var peer = await StartAsync("gpu-box", theirs.BaseAddress.ToString());
        await using var node = await StartAsync("my-box", mine.BaseAddress.ToString(), [peer]);
        await UntilRoutableAsync(node, peer);
        var peerId = Id(peer);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/models").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        var gemma = Group(page, "gemma:2b");
        await Expect(gemma).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(gemma.GetByTestId("model-node")).ToHaveAttributeAsync("data-node-id", peerId);
        await Expect(gemma.GetByTestId("model-loaded")).ToHaveTextAsync("loaded");
        await Expect(gemma).ToContainTextAsync("gpu-box");
        var llama = Group(page, "llama3:latest");
        await Expect(llama.GetByTestId("model-node")).ToHaveAttributeAsync("data-node-id", Id(node));
        await Expect(llama).ToContainTextAsync("(this node)");
        await Expect(Group(page, "phi3:mini").GetByTestId("model-loaded")).ToHaveTextAsync("not loaded");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "models screen");

        await page.GetByTestId("pull-model").FillAsync("llama3.2:1b");
        await page.GetByTestId("pull-node").SelectOptionAsync(peerId);
        await page.GetByTestId("pull-submit").ClickAsync();
        var progress = page.GetByTestId("pull-progress");
        await Expect(progress).ToHaveAttributeAsync("data-percent", PartWay(), new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("pull-status")).ToContainTextAsync("pulling");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("models-pulling.png"), FullPage = true });
        await Accessibility.AssertNoSeriousViolationsAsync(page, "models screen while pulling");

        await Expect(page.GetByTestId("pull-done")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(progress).ToHaveAttributeAsync("data-percent", "100");
        await Expect(page.GetByTestId("pull-error")).ToHaveCountAsync(0);
        var pulled = Group(page, "llama3.2:1b");
        await Expect(pulled.GetByTestId("model-node")).ToHaveAttributeAsync("data-node-id", peerId, new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("models.png"), FullPage = true });

        await pulled.GetByTestId("model-delete").ClickAsync();
        await Expect(page.GetByTestId("delete-model-dialog")).ToContainTextAsync("gpu-box");
        await page.GetByTestId("confirm-delete-model").ClickAsync();
        await Expect(pulled).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        Assert.DoesNotContain(theirs.Options.Models, m => m.Name == "llama3.2:1b");
        await Expect(gemma).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Pull_UnknownModel_ShowsOllamasError()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("my-box", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/models").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(Group(page, "llama3:latest")).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        await page.GetByTestId("pull-model").FillAsync("no-such-model");
        await page.GetByTestId("pull-submit").ClickAsync();

        await Expect(page.GetByTestId("pull-error")).ToHaveTextAsync(FakeOllamaServer.PullNotFound, new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("pull-done")).ToHaveCountAsync(0);
    }

    private static ILocator Group(IPage page, string model) => page.Locator($"[data-testid='model-group'][data-model='{model}']");

    /// <summary>A percentage strictly between 0 and 100: the pull is seen under way.</summary>
    [GeneratedRegex("^[1-9][0-9]?$")]
    private static partial Regex PartWay();
}
