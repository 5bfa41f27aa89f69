using Microsoft.Playwright;

namespace MeshMind.Tests.Support;

/// <summary>Debian's Chromium driven by Playwright, headless, with no traffic beyond the page's own origin.</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Skips the calling test when Chromium is missing, unless <c>MESHMIND_REQUIRE_BROWSER=1</c> (CI) makes that a failure.</summary>
    public static void RequireChromium()
    {
        if (File.Exists(ChromiumPath))
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("MESHMIND_REQUIRE_BROWSER") == "1")
        {
            Assert.Fail($"{ChromiumPath} is missing but MESHMIND_REQUIRE_BROWSER=1; the test command should have installed it (apt-get install chromium).");
        }

        Assert.Skip($"Chromium is not installed at {ChromiumPath}; the README's test command installs it.");
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps",
            ],
        });

    /// <summary>Fills the login form and submits it (the caller asserts what should follow).</summary>
    public static async Task SignInAsync(IPage page, string password, string username = "admin")
    {
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Where screenshots go: <c>MESHMIND_ARTIFACTS</c> (set by the test command), else next to the tests.</summary>
    public static string ArtifactPath(string fileName)
    {
        var directory = Environment.GetEnvironmentVariable("MESHMIND_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, fileName);
    }
}
