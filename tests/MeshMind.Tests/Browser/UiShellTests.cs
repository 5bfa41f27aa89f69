using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>The web UI shell in a real browser against a real <c>meshmind</c> process.</summary>
public sealed class UiShellTests : IDisposable
{
    private const string Password = "browser-test-password";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Shell_LoginNavigateDeepLinkLogout_Works()
    {
        Support.Browser.RequireChromium();
        await using var node = NodeProcess.Start(_dir.Path,
            ["--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--name", "ui-test-node"],
            new Dictionary<string, string> { ["NODE_PASSWORD"] = Password });
        var address = await node.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var foreignRequests = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                foreignRequests.Add(request.Url);
            }
        };

        // Not logged in: the app sends us to the login page.
        await page.GotoAsync(new Uri(address, "/app/").ToString());
        await Expect(page.Locator("#password")).ToBeVisibleAsync();

        // A wrong password shows the server's error and keeps us out.
        await Support.Browser.SignInAsync(page, "not the password");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("wrong username or password");

        await Support.Browser.SignInAsync(page, Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("node-name")).ToHaveTextAsync("ui-test-node");
        await Expect(page.GetByTestId("peer-count")).ToHaveTextAsync("0");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("ui-shell-dashboard.png"), FullPage = true });

        var screens = new (string Link, string Path)[]
        {
            ("Chat", "/app/chat"), ("Peer Conversations", "/app/conversations"), ("Shared Files", "/app/files"),
            ("Network", "/app/network"), ("Analytics", "/app/analytics"), ("Dashboard", "/app/"),
        };
        foreach (var (link, path) in screens)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = link, Level = 1 })).ToBeVisibleAsync();
            Assert.Equal(path, new Uri(page.Url).AbsolutePath);
        }

        // A deep link survives a reload.
        await page.GotoAsync(new Uri(address, "/app/network").ToString());
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Network", Level = 1 })).ToBeVisibleAsync();

        await page.GetByTestId("logout").ClickAsync();
        await Expect(page.Locator("#password")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(address, "/app/analytics").ToString());
        await Expect(page.Locator("#password")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("ui-shell-login.png") });

        Assert.Empty(foreignRequests);
    }
}
