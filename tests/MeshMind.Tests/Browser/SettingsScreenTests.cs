using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>The Settings screen in a real browser: API keys (made, copied once, revoked), the node's settings, the theme and the password.</summary>
public sealed partial class SettingsScreenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("with password: (\\S+)")]
    private static partial Regex GeneratedPassword();

    [Fact]
    public async Task SettingsScreen_ApiKeyShownOnceCopiedAndRevoked_SettingsSaved_ThemeKept_PasswordChanged()
    {
        Support.Browser.RequireChromium();
        await using var node = await TestNode.StartAsync(configurePassword: false);
        var password = GeneratedPassword().Match(node.Output).Groups[1].Value;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var context = await browser.NewContextAsync();
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = node.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/settings").ToString());
        await Support.Browser.SignInAsync(page, password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Settings", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("api-keys-empty")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("setting-model")).ToBeEnabledAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Settings screen");

        // An API key: shown once, copied, works; after "Done" and a reload only its prefix is left.
        await page.GetByTestId("api-key-create").ClickAsync();
        await Expect(page.GetByTestId("api-key-problem")).ToContainTextAsync("Give the key a name");
        await page.GetByTestId("api-key-name").FillAsync("ci-script");
        await page.GetByTestId("api-key-create").ClickAsync();
        var secret = await page.GetByTestId("api-key-secret").TextContentAsync();
        Assert.StartsWith("mm_", secret, StringComparison.Ordinal);
        await page.GetByTestId("api-key-copy").ClickAsync();
        await Expect(page.GetByTestId("api-key-copy")).ToContainTextAsync("Copied");
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        using var program = new HttpClient { BaseAddress = node.BaseAddress };
        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/status", Ct)).StatusCode);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("settings-screen.png"), FullPage = true });
        await page.GetByTestId("api-key-done").ClickAsync();
        await Expect(page.GetByTestId("api-key-secret")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        var row = page.GetByTestId("api-key-row");
        await Expect(row).ToContainTextAsync("ci-script");
        Assert.DoesNotContain(secret!, await page.ContentAsync(), StringComparison.Ordinal);

        await row.GetByTestId("api-key-revoke").ClickAsync();
        await page.GetByTestId("confirm-revoke-key").ClickAsync();
        await Expect(page.GetByTestId("api-key-row")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await program.GetAsync("/api/status", Ct)).StatusCode);

        // This node's settings wait for a restart, and say so.
        await page.GetByTestId("setting-model").FillAsync("llama3:8b");
        await page.GetByTestId("settings-save").ClickAsync();
        await Expect(page.GetByTestId("settings-saved")).ToContainTextAsync("Restart the node");
        await Expect(page.GetByTestId("setting-model-note")).ToContainTextAsync("Restart the node to use it");
        // The test node's name is set by a flag, which wins over a saved one.
        await Expect(page.GetByTestId("setting-name-note")).ToContainTextAsync("--name");

        // The theme is this browser's, kept across a reload; dark passes the same checks.
        await page.GetByTestId("theme-dark").CheckAsync();
        await Expect(page.Locator("html")).ToHaveClassAsync(new Regex("\\bdark\\b"));
        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveClassAsync(new Regex("\\bdark\\b"));
        await Expect(page.GetByTestId("theme-dark")).ToBeCheckedAsync();
        await Expect(page.GetByTestId("setting-model")).ToBeEnabledAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("settings-screen-dark.png"), FullPage = true });
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Settings screen (dark)");
        await page.GetByTestId("theme-light").CheckAsync();
        await Expect(page.Locator("html")).Not.ToHaveClassAsync(new Regex("\\bdark\\b"));

        // The password: the current one is required; then every session ends and the new one signs in.
        await page.FillAsync("#password-current", "not the password");
        await page.FillAsync("#password-new", "a brand new password");
        await page.FillAsync("#password-again", "a brand new password");
        await page.GetByTestId("password-change").ClickAsync();
        await Expect(page.GetByTestId("password-problem")).ToHaveTextAsync("The current password is not right");
        await page.FillAsync("#password-current", password);
        await page.GetByTestId("password-change").ClickAsync();
        await Expect(page.GetByTestId("login-notice")).ToContainTextAsync("Password changed");
        await Support.Browser.SignInAsync(page, "a brand new password");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Settings", Level = 1 })).ToBeVisibleAsync();
    }
}
