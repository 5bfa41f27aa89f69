using System.Globalization;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>The Network screen in a real browser, with two real <c>meshmind</c> processes that discover and link to each other on loopback.</summary>
public sealed class NetworkScreenTests : IDisposable
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

        await row.GetByTestId("peer-revoke").ClickAsync();
        await page.GetByTestId("confirm-revoke").ClickAsync();
        await Expect(row.GetByTestId("peer-state")).ToHaveTextAsync("revoked");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("peer-row").GetByTestId("peer-state")).ToHaveTextAsync("revoked");

        // Undo: the peer is trusted again, and links up again.
        await page.GetByTestId("peer-row").GetByTestId("peer-restore").ClickAsync();
        await Expect(page.GetByTestId("peer-row").GetByTestId("peer-state")).Not.ToHaveTextAsync("revoked");
        await Expect(page.GetByTestId("peer-row").GetByTestId("peer-restore")).ToHaveCountAsync(0);
    }
}
