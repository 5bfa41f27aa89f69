using System.Globalization;
using System.Text.RegularExpressions;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>The Network screen in a real browser, with two real <c>meshmind</c> processes that discover and link to each other on loopback.</summary>
public sealed partial class NetworkScreenTests : IDisposable
{
    private const string Password = "network-test-password";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private NodeProcess Start(string name, int discoveryPort)
    {
        var workingDirectory = Directory.CreateDirectory(_dir.Combine(name)).FullName;
        return NodeProcess.Start(workingDirectory,
            ["--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "loopback",
             "--discovery-port", discoveryPort.ToString(CultureInfo.InvariantCulture), "--name", name],
            new Dictionary<string, string> { ["NODE_PASSWORD"] = Password, ["P2P_HMAC_SECRET"] = "network-screen-secret-0123456789" });
    }

    [Fact]
    public async Task NetworkScreen_ShowsLinkedPeerWithRtt_RevokesIt_AndUndoes()
    {
        Support.Browser.RequireChromium();
        var port = FreePort.Udp();
        await using var a = Start("alpha", port);
        var address = await a.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var b = Start("bravo", port);
        await b.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(address, "/app/network").ToString());
        await Support.Browser.SignInAsync(page, Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Network", Level = 1 })).ToBeVisibleAsync();

        var row = page.GetByTestId("peer-row");
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(row).ToContainTextAsync("bravo");
        await Expect(row.GetByTestId("peer-state")).ToHaveTextAsync("up", new() { Timeout = 15_000 });
        await Expect(row.GetByTestId("peer-rtt")).ToContainTextAsync("ms", new() { Timeout = 15_000 });
        await Expect(row.GetByTestId("peer-addresses")).ToContainTextAsync("127.0.0.1");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("network-screen.png"), FullPage = true });

        // Revoke is behind the row's menu: Escape closes the menu and gives focus back to its button.
        await Expect(row.GetByTestId("peer-revoke")).ToHaveCountAsync(0);
        await row.GetByTestId("peer-menu").ClickAsync();
        await Expect(row.GetByRole(AriaRole.Menuitem, new() { Name = "Revoke…" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(row.GetByTestId("peer-menu-items")).ToHaveCountAsync(0);
        await Expect(row.GetByTestId("peer-menu")).ToBeFocusedAsync();
        await Expect(row.GetByTestId("peer-menu")).ToHaveAttributeAsync("aria-expanded", "false");

        // Cancel in the confirmation leaves the peer as it was; Revoke revokes it.
        await row.GetByTestId("peer-menu").ClickAsync();
        await row.GetByTestId("peer-revoke").ClickAsync();
        await Expect(page.GetByTestId("revoke-dialog")).ToContainTextAsync("bravo");
        await page.GetByTestId("revoke-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByTestId("revoke-dialog")).ToHaveCountAsync(0);
        await Expect(row.GetByTestId("peer-state")).ToHaveTextAsync("up");
        await row.GetByTestId("peer-menu").ClickAsync();
        await row.GetByTestId("peer-revoke").ClickAsync();
        await page.GetByTestId("confirm-revoke").ClickAsync();
        await Expect(row.GetByTestId("peer-state")).ToHaveTextAsync("revoked");
        await Expect(page.GetByTestId("mesh-edge-label")).ToHaveAttributeAsync("data-state", "revoked");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("peer-row").GetByTestId("peer-state")).ToHaveTextAsync("revoked");

        // Undo: the peer is trusted again, and links up again.
        await page.GetByTestId("peer-row").GetByTestId("peer-restore").ClickAsync();
        await Expect(page.GetByTestId("peer-row").GetByTestId("peer-state")).Not.ToHaveTextAsync("revoked");
        await Expect(page.GetByTestId("peer-row").GetByTestId("peer-restore")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task NetworkScreen_DrawsTheMesh_ThisNodeAPeerWithItsModelAndTheLinkRtt_GreyedWhenDown_InLightAndDark()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(Only("llama3:8b"));
        var gpu = await StartAsync("gpu-box", ollama.BaseAddress.ToString()); // disposed by the test, to take the link down
        await using var laptop = await StartAsync("laptop", NoLlm, [gpu]);
        await UntilRoutableAsync(laptop, gpu);
        var gpuId = Id(gpu);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, ColorScheme = ColorScheme.Light });
        await page.GotoAsync(new Uri(laptop.BaseAddress, "/app/network").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        var graph = page.GetByTestId("mesh-graph");
        await Expect(graph).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var self = graph.Locator("[data-testid='mesh-node'][data-self='true']");
        await Expect(self).ToContainTextAsync("laptop");
        await Expect(self).ToContainTextAsync("this node");
        await Expect(self).ToHaveAttributeAsync("data-node-id", Id(laptop));
        var peer = graph.Locator($"[data-testid='mesh-node'][data-node-id='{gpuId}']");
        await Expect(peer).ToContainTextAsync("gpu-box");
        await Expect(peer).ToHaveAttributeAsync("data-state", "up");
        await Expect(peer.GetByTestId("mesh-model")).ToHaveTextAsync("llama3:8b", new() { Timeout = 15_000 });
        await Expect(self.GetByTestId("mesh-model")).ToHaveCountAsync(0);
        await Expect(graph.Locator(".react-flow__edge")).ToHaveCountAsync(1);
        var edge = graph.GetByTestId("mesh-edge-label");
        await Expect(edge).ToHaveAttributeAsync("data-target", gpuId);
        await Expect(edge).ToHaveAttributeAsync("data-state", "up");
        await Expect(edge).ToHaveTextAsync(Rtt(), new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("peer-row")).ToHaveCountAsync(1); // the table is still there beside it
        await Accessibility.AssertNoSeriousViolationsAsync(graph, "the mesh graph");
        await graph.ScreenshotAsync(new() { Path = Support.Browser.ArtifactPath("network-graph-light.png") });
        await page.ScreenshotAsync(new() { Path = Support.Browser.ArtifactPath("network-screen-graph-light.png"), FullPage = true });

        // Dark, from the system's setting (read as the app loads): the graph follows the app's theme.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveClassAsync(DarkClass());
        await Expect(graph.Locator(".react-flow")).ToHaveClassAsync(DarkClass());
        await Expect(edge).ToHaveTextAsync(Rtt(), new() { Timeout = 15_000 });
        await Expect(peer.GetByTestId("mesh-model")).ToHaveTextAsync("llama3:8b", new() { Timeout = 15_000 });
        await Accessibility.AssertNoSeriousViolationsAsync(graph, "the mesh graph (dark)");
        await graph.ScreenshotAsync(new() { Path = Support.Browser.ArtifactPath("network-graph-dark.png") });
        await page.ScreenshotAsync(new() { Path = Support.Browser.ArtifactPath("network-screen-graph-dark.png"), FullPage = true });

        // The peer goes away: it stays drawn, its link greyed and labelled down.
        await gpu.DisposeAsync();
        await Expect(edge).ToHaveAttributeAsync("data-state", "down", new() { Timeout = 20_000 });
        await Expect(edge).ToHaveTextAsync("down");
        await Expect(peer).ToHaveAttributeAsync("data-state", "down");
        await Accessibility.AssertNoSeriousViolationsAsync(graph, "the mesh graph with a link down (dark)");
    }

    [Fact]
    public async Task NetworkScreen_DrawsLinksBetweenTwoPeers_AsTheyReportThem_AndDropsOneThatWentDown()
    {
        Support.Browser.RequireChromium();
        await using var gpu = await StartAsync("gpu-box", NoLlm);
        var desk = await StartAsync("desk", NoLlm, [gpu]); // disposed by the test, to take its links down
        await using var laptop = await StartAsync("laptop", NoLlm, [gpu, desk]);
        await UntilLinkedAsync(laptop, gpu);
        await UntilLinkedAsync(laptop, desk);
        await UntilLinkedAsync(gpu, desk);
        var (gpuId, deskId) = (Id(gpu), Id(desk));
        var between = string.CompareOrdinal(gpuId, deskId) < 0 ? $"{gpuId}--{deskId}" : $"{deskId}--{gpuId}";

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(new Uri(laptop.BaseAddress, "/app/network").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        // This node's two links, and the one between its peers (told by them: thinner, no RTT label).
        var graph = page.GetByTestId("mesh-graph");
        await Expect(graph.Locator(".react-flow__edge")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        await Expect(graph.GetByTestId($"rf__edge-{between}")).ToHaveCountAsync(1);
        await Expect(graph.GetByTestId("mesh-edge-label")).ToHaveCountAsync(2);
        await Accessibility.AssertNoSeriousViolationsAsync(graph, "the mesh graph with a link between peers");
        await graph.ScreenshotAsync(new() { Path = Support.Browser.ArtifactPath("network-graph-peer-links.png") });

        // desk goes: this node's link to it is drawn down, and gpu-box's link to it is no longer drawn.
        await desk.DisposeAsync();
        await Expect(graph.GetByTestId($"rf__edge-{between}")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Expect(graph.Locator($"[data-testid='mesh-edge-label'][data-target='{deskId}']")).ToHaveAttributeAsync("data-state", "down", new() { Timeout = 20_000 });
        await Expect(graph.Locator(".react-flow__edge")).ToHaveCountAsync(2);
    }

    [GeneratedRegex(@"^\d+(\.\d)? ms$")]
    private static partial Regex Rtt();

    [GeneratedRegex(@"\bdark\b")]
    private static partial Regex DarkClass();
}
