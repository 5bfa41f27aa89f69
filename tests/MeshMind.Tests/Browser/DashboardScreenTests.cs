using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>The Dashboard's warnings in a real browser: each says what is wrong and how to fix it, and goes once it is fixed.</summary>
public sealed class DashboardScreenTests
{
    [Fact]
    public async Task Dashboard_AloneWithoutAModel_WarnsOfBothWithTheFix_AndTheWarningsGoWhenAPeerWithAModelLinks()
    {
        Support.Browser.RequireChromium();
        await using var node = await StartAsync("lonely-box", NoLlm);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();

        var noModel = page.GetByTestId("warning-no-model");
        var noPeers = page.GetByTestId("warning-no-peers");
        await Expect(noModel).ToContainTextAsync("No model is reachable", new() { Timeout = 15_000 });
        await Expect(noModel.GetByTestId("warning-no-model-fix")).ToContainTextAsync("ollama serve");
        await Expect(noModel.GetByTestId("warning-no-model-fix")).ToContainTextAsync("--ollama-url");
        await Expect(noPeers).ToContainTextAsync("This node has no peers");
        await Expect(noPeers.GetByTestId("warning-no-peers-fix")).ToContainTextAsync("--peer HOST:7878");
        await Expect(page.GetByTestId("duplicate-node-id")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("dashboard-warnings.png"), FullPage = true });

        // The fix link goes where the fix is.
        await noPeers.GetByRole(AriaRole.Link, new() { Name = "Invite a device" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Network", Level = 1 })).ToBeVisibleAsync();
        Assert.Equal("/app/network", new Uri(page.Url).AbsolutePath);
        await page.GoBackAsync();

        // A peer that hosts a model links up: both warnings go.
        await using var ollama = await FixtureAsync(Only("llama3:8b"));
        await using var gpu = await StartAsync("gpu-box", ollama.BaseAddress.ToString(), [node]);
        await UntilRoutableAsync(node, gpu);
        await Expect(noPeers).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Expect(noModel).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("peer-count")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Dashboard_WhenAnotherNodeUsesThisNodesIdentity_SaysSoWithTheFix()
    {
        Support.Browser.RequireChromium();
        // A copied data directory: two nodes with one identity, on loopback discovery (issue 16, point 10).
        var port = FreePort.Udp();
        using var dir = new TempDirectory();
        var original = dir.Combine("original");
        await using (await DuplicateAsync(FreePort.Udp(), original))
        {
        }

        var copy = dir.Combine("copy");
        Directory.CreateDirectory(copy);
        File.Copy(Path.Combine(original, MeshMind.Node.NodeIdentity.FileName), Path.Combine(copy, MeshMind.Node.NodeIdentity.FileName));
        await using var first = await DuplicateAsync(port, original);
        await using var second = await DuplicateAsync(port, copy);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(new Uri(first.BaseAddress, "/app/").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        var banner = page.GetByTestId("duplicate-node-id");
        await Expect(banner).ToContainTextAsync("Another node is running with this node's identity", new() { Timeout = 20_000 });
        await Expect(banner.GetByTestId("duplicate-node-id-fix")).ToContainTextAsync("delete node.pfx from its data directory");
        await Accessibility.AssertNoSeriousViolationsAsync(banner, "the duplicate-identity warning");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("dashboard-duplicate-node-id.png"), FullPage = true });
    }

    private static Task<TestNode> DuplicateAsync(int discoveryPort, string dataDir) =>
        TestNode.StartAsync(
            environment: new() { ["P2P_HMAC_SECRET"] = "duplicate-test-secret-0123456789ab" },
            commandLine: new()
            {
                ["Node:Name"] = "twin",
                ["Discovery:Mode"] = "loopback",
                ["Discovery:Port"] = discoveryPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            dataDir: dataDir);
}
