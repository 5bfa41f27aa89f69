using System.Text.RegularExpressions;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>
/// Every screen in a real browser, light and dark (the system's setting, which the app follows by default), at desktop size and at
/// 390×844: axe-core finds no serious or critical violation, nothing scrolls sideways on the phone, and a screenshot of each is kept.
/// </summary>
public sealed partial class AllScreensTests
{
    private const string Reply =
        "A greeting in Python:\n\n```python\ndef greet(name):\n    return f'hello {name}'\n\nprint(greet('mesh'))\n```\n\nRun it with `python greet.py`.";

    /// <summary>Analytics sampled often, so the answer is in the Dashboard's and Analytics' figures well within a wait.</summary>
    private static readonly Dictionary<string, string?> QuickAnalytics = new() { ["Analytics:FlushInterval"] = "00:00:00.200" };

    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>A screen: its name in the screenshot's file name, where it lives, and what shows that its content has arrived.</summary>
    private sealed record Screen(string Name, string Path, Func<IPage, Task> Ready);

    private static readonly Screen[] Screens =
    [
        new("dashboard", "/app/", async page =>
        {
            await Expect(page.GetByTestId("peer-count")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
            await Expect(page.GetByTestId("stat-chats")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        }),
        new("chat", "/app/chat", async page =>
        {
            // On a phone the conversation list is a drawer behind the header's "Conversations" button.
            await Expect(page.GetByTestId("chat-input")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            var open = page.GetByTestId("chat-conversations-open");
            if (await open.IsVisibleAsync())
            {
                await open.ClickAsync();
            }

            await page.GetByTestId("chat-conversation-item").First.ClickAsync();
            var answer = page.GetByTestId("chat-message-assistant");
            await Expect(answer.GetByTestId("markdown-code")).ToContainTextAsync("print(greet('mesh'))", new() { Timeout = 15_000 });
            await Expect(answer.GetByTestId("chat-answer-host")).ToContainTextAsync("gpu-box");
        }),
        new("files", "/app/files", page =>
            Expect(page.Locator("[data-testid='file-row'][data-name='notes.txt']")).ToBeVisibleAsync(new() { Timeout = 15_000 })),
        new("models", "/app/models", page =>
            Expect(page.Locator("[data-testid='model-group'][data-model='llama3:latest'] [data-testid='model-node']")).ToContainTextAsync("gpu-box", new() { Timeout = 15_000 })),
        new("network", "/app/network", page =>
            Expect(page.GetByTestId("peer-row").GetByTestId("peer-state")).ToHaveTextAsync("up", new() { Timeout = 15_000 })),
        new("analytics", "/app/analytics?range=1h", async page =>
        {
            await Expect(page.GetByTestId("chart-chat-volume")).ToHaveAttributeAsync("data-state", "data", new() { Timeout = 15_000 });
            await Expect(page.GetByTestId("chart-chat-volume").Locator("path.recharts-rectangle").First).ToBeVisibleAsync();
        }),
        new("evaluate", "/app/evaluate", page => Expect(page.GetByTestId("evaluate-none")).ToBeVisibleAsync(new() { Timeout = 15_000 })),
        new("settings", "/app/settings", page => Expect(page.GetByTestId("setting-model")).ToBeEnabledAsync(new() { Timeout = 15_000 })),
    ];

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task EveryScreen_InTheSystemTheme_HasNoSeriousAxeViolation_AndNoSidewaysScrollOnAPhone(string theme)
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Reply = Reply, TokenDelay = TimeSpan.FromMilliseconds(2) });
        await using var host = await StartAsync("gpu-box", ollama.BaseAddress.ToString());
        await using var node = await StartAsync("laptop", NoLlm, [host], QuickAnalytics);
        await UntilRoutableAsync(node, host);
        using (var client = await node.CreateLoggedInClientAsync())
        {
            using var upload = new MultipartFormDataContent { { new ByteArrayContent("meeting notes"u8.ToArray()), "file", "notes.txt" } };
            (await client.PostAsync("/api/upload", upload, Ct)).EnsureSuccessStatusCode();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var scheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        var context = await browser.NewContextAsync(new() { ColorScheme = scheme, ViewportSize = Desktop });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        var overflows = new List<string>();

        // The Login screen first, then a question asked the way a person does, so the Chat screen has an answer with code.
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Expect(page.Locator("#password")).ToBeVisibleAsync();
        await CheckAsync(page, "login", theme, mobile: false, violations, overflows);
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await CheckAsync(page, "login", theme, mobile: true, violations, overflows);
        await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await page.GetByTestId("chat-input").FillAsync("show me a greeting");
        await page.GetByTestId("chat-send").ClickAsync();
        await Expect(page.GetByTestId("chat-message-assistant")).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 30_000 });
        await Expect(page.Locator("html")).ToHaveClassAsync(theme == "dark" ? DarkClass() : NotDarkClass());

        foreach (var (size, mobile) in new[] { (Desktop, false), (Phone, true) })
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
            foreach (var screen in Screens)
            {
                await page.GotoAsync(new Uri(node.BaseAddress, screen.Path).ToString());
                await screen.Ready(page);
                await CheckAsync(page, screen.Name, theme, mobile, violations, overflows);
            }
        }

        Assert.True(violations.Count == 0 && overflows.Count == 0,
            string.Join("\n", violations) + "\nWider than a 390 px phone: " + string.Join(", ", overflows));
    }

    [Fact]
    public async Task Analytics_OnAPhone_ShowsOneSectionAtATime_AndItsLinksSwitchSections()
    {
        Support.Browser.RequireChromium();
        await using var node = await StartAsync("fresh", NoLlm);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = Phone });
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/analytics").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByTestId("chart-chat-volume")).ToHaveAttributeAsync("data-state", "empty", new() { Timeout = 15_000 });

        var sections = page.GetByRole(AriaRole.Navigation, new() { Name = "Analytics sections" });
        await Expect(sections.GetByRole(AriaRole.Link, new() { Name = "Answers" })).ToHaveAttributeAsync("aria-current", "true");
        await Expect(page.GetByTestId("chart-chat-volume")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("chart-network-traffic")).ToBeHiddenAsync();
        var answersHeight = await PageHeightAsync(page);

        await sections.GetByRole(AriaRole.Link, new() { Name = "Mesh" }).ClickAsync();
        await Expect(page.GetByTestId("chart-network-traffic")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("chart-chat-volume")).ToBeHiddenAsync();
        await Expect(sections.GetByRole(AriaRole.Link, new() { Name = "Mesh" })).ToHaveAttributeAsync("aria-current", "true");
        Assert.EndsWith("#analytics-mesh", page.Url, StringComparison.Ordinal);
        var meshHeight = await PageHeightAsync(page);

        // One section at a time keeps the page within a few screens; all of them at once was over 4,400 px.
        Assert.True(answersHeight < 3 * Phone.Height, $"the Answers section is {answersHeight} px tall");
        Assert.True(meshHeight < 3 * Phone.Height, $"the Mesh section is {meshHeight} px tall");

        // The chosen section survives a reload (it is in the address), and at desktop size every section shows.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("chart-network-traffic")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("chart-chat-volume")).ToBeHiddenAsync();
        await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        await Expect(page.GetByTestId("chart-chat-volume")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("chart-network-traffic")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SidebarThemeToggle_ChoosesDark_AndSettingsShowsTheSameChoice()
    {
        Support.Browser.RequireChromium();
        await using var node = await StartAsync("fresh", NoLlm);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = Desktop, ColorScheme = ColorScheme.Light });
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByTestId("sidebar-theme-system")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("html")).ToHaveClassAsync(NotDarkClass());

        await page.GetByTestId("sidebar-theme-dark").ClickAsync();
        await Expect(page.Locator("html")).ToHaveClassAsync(DarkClass());
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("theme-dark")).ToBeCheckedAsync();

        // Chosen on Settings, the sidebar's control shows it at once; a reload keeps it.
        await page.GetByTestId("theme-light").CheckAsync();
        await Expect(page.GetByTestId("sidebar-theme-light")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("html")).ToHaveClassAsync(NotDarkClass());
        await page.ReloadAsync();
        await Expect(page.GetByTestId("sidebar-theme-light")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("html")).ToHaveClassAsync(NotDarkClass());
    }

    /// <summary>axe-core on the page as it is, a screenshot, and on a phone, whether the page is wider than the screen.</summary>
    private static async Task CheckAsync(IPage page, string screen, string theme, bool mobile, List<string> violations, List<string> overflows)
    {
        var name = $"{screen}-{theme}{(mobile ? "-mobile" : "")}";
        // The screen fades in (Layout's transition, the login card's): axe should see its colours as they settle, not half-transparent.
        var fading = screen == "login" ? page.Locator("form").Locator("xpath=../..") : page.Locator("#content > div");
        await Expect(fading).ToHaveCSSAsync("opacity", "1");
        violations.AddRange(await Accessibility.SeriousViolationsAsync(page, name));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath($"{name}.png"), FullPage = true });
        if (mobile)
        {
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (width > Phone.Width)
            {
                overflows.Add($"{name} ({width} px)");
            }
        }
    }

    private static Task<int> PageHeightAsync(IPage page) => page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");

    [GeneratedRegex("\\bdark\\b")]
    private static partial Regex DarkClass();

    [GeneratedRegex("^(?!.*\\bdark\\b).*$")]
    private static partial Regex NotDarkClass();
}
