using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MeshMind.Discovery;
using MeshMind.Mesh.Admission;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>The Network screen's Diagnostics panel and static peers in a real browser, with real in-process nodes on loopback.</summary>
public sealed class DiagnosticsPanelTests
{
    [Fact]
    public async Task DiagnosticsPanel_NamesTheSenderWithAnotherSecret_AndTheReachBack_StaticPeersAddedAndRemoved()
    {
        Support.Browser.RequireChromium();
        var port = FreePort.Udp();
        await using var bravo = await StartAsync("bravo", NoLlm);
        await using var alpha = await StartAsync("alpha", NoLlm, [bravo], new()
        {
            ["Discovery:Mode"] = "loopback",
            ["Discovery:Port"] = port.ToString(CultureInfo.InvariantCulture),
        });
        await UntilLinkedAsync(alpha, bravo);
        var intruder = new Announcement(Announcement.Online, Announcement.CurrentVersion, new string('e', 64), "1234", "intruder", 7878, 8080, false, "",
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            await socket.SendToAsync(DiscoveryCodec.Encode(intruder, MeshKeys.Derive("another-mesh-secret-0123456789abc")), new IPEndPoint(IPAddress.Loopback, port), Ct);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(alpha.BaseAddress, "/app/network").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Diagnostics", Level = 2 })).ToBeVisibleAsync();

        var wrongSecret = page.Locator("[data-testid=finding][data-code=wrong_secret]");
        await Expect(wrongSecret).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(wrongSecret).ToContainTextAsync("127.0.0.2 (which says it is 'intruder') uses a different mesh secret");
        await Expect(wrongSecret).ToContainTextAsync("Problem");
        await Expect(wrongSecret.GetByTestId("finding-fix")).ToContainTextAsync("p2p_secret.txt");
        await Expect(page.GetByTestId("diagnostics-summary")).ToContainTextAsync("problem");
        // What passed is folded away; the reach-back test, which bravo ran against alpha, is among it.
        await page.GetByTestId("diagnostics-passed").Locator("summary").ClickAsync();
        await Expect(page.Locator("[data-testid=finding][data-code=reach_back]")).ToContainTextAsync("'bravo' reached this node's mesh port");
        await page.GetByTestId("diagnostics-run").ClickAsync();
        await Expect(page.GetByTestId("diagnostics-run")).ToHaveTextAsync("Check again", new() { Timeout = 20_000 });

        // Static peers: a wrong one is explained, bravo (configured with --peer) stays, an added one can be removed.
        var bravoRow = page.Locator($"[data-testid=static-peer-row][data-address='127.0.0.1:{Service<MeshMind.Infrastructure.BoundEndpoints>(bravo).MeshPort}']");
        await Expect(bravoRow).ToContainTextAsync("from --peer");
        await Expect(bravoRow.GetByTestId("static-peer-state")).ToHaveTextAsync("up");
        await Expect(bravoRow.GetByTestId("static-peer-remove")).ToHaveCountAsync(0);
        await page.GetByTestId("static-peer-input").FillAsync("10.0.0.7");
        await page.GetByTestId("static-peer-add").ClickAsync();
        await Expect(page.GetByTestId("static-peer-error")).ToContainTextAsync("Add the port: 10.0.0.7:7878");
        await page.GetByTestId("static-peer-input").FillAsync("127.0.0.1:9");
        await page.GetByTestId("static-peer-add").ClickAsync();
        var added = page.Locator("[data-testid=static-peer-row][data-address='127.0.0.1:9']");
        await Expect(added).ToBeVisibleAsync();
        await page.GetByTestId("static-peer-input").FillAsync("127.0.0.1:9");
        await page.GetByTestId("static-peer-add").ClickAsync();
        await Expect(page.GetByTestId("static-peer-error")).ToContainTextAsync("already a static peer");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("network-diagnostics.png"), FullPage = true });
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Network screen with Diagnostics");
        await added.GetByTestId("static-peer-remove").ClickAsync();
        await Expect(added).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("static-peer-row")).ToHaveCountAsync(1);
    }
}
