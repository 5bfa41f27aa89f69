using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>What people do with conversations in Chat, in a real browser against real nodes: URL, rename, search, delete with undo, forks, failures.</summary>
public sealed partial class ChatActionsTests
{
    private static readonly LocatorAssertionsToHaveCountOptions Long = new() { Timeout = 15_000 };

    [GeneratedRegex(@"/app/chat/c_[0-9a-f]{32}$")]
    private static partial Regex ConversationUrl();

    private static async Task<(IPlaywright Playwright, IBrowser Browser, IPage Page)> OpenAsync(TestNode node, string path)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await Support.Browser.LaunchAsync(playwright);
        var context = await browser.NewContextAsync();
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = node.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, path).ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        return (playwright, browser, page);
    }

    /// <summary>axe-core finds no serious violation in light and in dark (the system's setting), with a screenshot of each.</summary>
    private static async Task AssertAccessibleInBothThemesAsync(IPage page, string what, string screenshot)
    {
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            var dark = scheme == ColorScheme.Dark;
            await Expect(page.Locator("html")).ToHaveClassAsync(dark ? new Regex(@"\bdark\b") : new Regex(@"^(?!.*\bdark\b).*$"));
            await Accessibility.AssertNoSeriousViolationsAsync(page, $"{what} ({(dark ? "dark" : "light")})");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath($"{screenshot}-{(dark ? "dark" : "light")}.png"), FullPage = true });
        }

        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
    }

    private static async Task AskAsync(IPage page, string question)
    {
        await page.GetByTestId("chat-input").FillAsync(question);
        await page.GetByTestId("chat-send").ClickAsync();
        await Expect(page.GetByTestId("chat-message-assistant").Last).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task Conversation_StaysInTheUrl_AndCanBeRenamedSearchedAndDeletedWithUndo()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("desk", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        var (playwright, browser, page) = await OpenAsync(node, "/app/chat");
        using var _ = playwright;
        await using var __ = browser;

        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, Long);
        await AskAsync(page, "tell me about apples");
        await Expect(page).ToHaveURLAsync(ConversationUrl());
        var appleUrl = page.Url;

        // A reload (or the link, shared) opens the same conversation.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("chat-message-user")).ToHaveTextAsync("You: tell me about apples", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("chat-conversation-item").And(page.Locator("[aria-current='true']"))).ToHaveCountAsync(1, Long);

        await page.GetByTestId("chat-rename").ClickAsync();
        await page.GetByTestId("chat-rename-input").FillAsync("Orchard notes");
        await page.GetByTestId("chat-rename-input").PressAsync("Enter");
        await Expect(page.GetByTestId("chat-title")).ToHaveTextAsync("Orchard notes");
        await Expect(page.GetByTestId("chat-conversation-item")).ToContainTextAsync("Orchard notes", new() { Timeout = 10_000 });

        var markdown = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("chat-export-md").ClickAsync());
        Assert.Equal("meshmind-orchard-notes.md", markdown.SuggestedFilename);
        var text = await File.ReadAllTextAsync(await markdown.PathAsync(), Ct);
        Assert.StartsWith("# Orchard notes\n", text, StringComparison.Ordinal);
        Assert.Contains("tell me about apples", text, StringComparison.Ordinal);
        Assert.Contains("Answered by desk", text, StringComparison.Ordinal);
        var json = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("chat-export-json").ClickAsync());
        using (var exported = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(await json.PathAsync(), Ct)))
        {
            Assert.Equal("meshmind.conversation.v1", exported.RootElement.GetProperty("format").GetString());
            Assert.Equal(1, exported.RootElement.GetProperty("exchanges").GetArrayLength());
        }

        await page.GetByTestId("chat-new").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/app/chat$"));
        await AskAsync(page, "and now pears");
        await Expect(page.GetByTestId("chat-conversation-item")).ToHaveCountAsync(2, Long);

        // Ctrl+K jumps to search; the node searches titles and text.
        await page.GetByTestId("chat-input").FocusAsync();
        await page.Keyboard.PressAsync("Control+k");
        await Expect(page.GetByTestId("chat-search")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("apples");
        await Expect(page.GetByTestId("chat-conversation-item")).ToHaveCountAsync(1, Long);
        await Expect(page.GetByTestId("chat-conversation-item")).ToContainTextAsync("Orchard notes");
        await Expect(page.GetByTestId("chat-conversation-snippet").Locator("mark").First).ToHaveTextAsync("apples");
        await AssertAccessibleInBothThemesAsync(page, "chat search", "chat-search");
        await page.GetByTestId("chat-search").FillAsync("");

        // Delete, then undo: nothing was deleted, even after a reload.
        await page.GotoAsync(appleUrl);
        await Expect(page.GetByTestId("chat-title")).ToHaveTextAsync("Orchard notes", new() { Timeout = 15_000 });
        await page.GetByTestId("chat-delete").ClickAsync();
        await Expect(page.GetByTestId("chat-undo-toast")).ToContainTextAsync("Orchard notes");
        await Expect(page.GetByTestId("chat-conversation-item")).ToHaveCountAsync(1);
        // At once: the undo window is 6 s of real time (axe and screenshots come with the second delete, which may outlast it).
        await page.GetByTestId("chat-undo").ClickAsync();
        await Expect(page.GetByTestId("chat-conversation-item")).ToHaveCountAsync(2);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("chat-conversation-item")).ToHaveCountAsync(2, Long);

        // Delete and let the undo window pass: gone on the node.
        await page.GotoAsync(appleUrl);
        await Expect(page.GetByTestId("chat-title")).ToHaveTextAsync("Orchard notes", new() { Timeout = 15_000 });
        await page.GetByTestId("chat-delete").ClickAsync();
        await Expect(page.GetByTestId("chat-undo-toast")).ToContainTextAsync("Orchard notes");
        await AssertAccessibleInBothThemesAsync(page, "chat delete with undo", "chat-delete-undo");
        await Expect(page.GetByTestId("chat-undo-toast")).ToHaveCountAsync(0, Long);
        // The toast goes when the window ends and the DELETE is sent then: it reaches the node a moment later (under load,
        // after a list asked at once, which is how this failed once in CI).
        using var client = await node.CreateLoggedInClientAsync();
        async Task<List<string?>> TitlesAsync() =>
            [.. (await (await client.GetAsync("/api/conversations", Ct)).JsonAsync()).GetProperty("conversations").EnumerateArray()
                .Select(c => c.GetProperty("title").GetString())];
        await Support.Wait.UntilAsync(async () => (await TitlesAsync()).Count == 1, TimeSpan.FromSeconds(15), "the node to delete the conversation",
            async () => $"the node lists: {string.Join(", ", await TitlesAsync())}");
        Assert.Equal("and now pears", Assert.Single(await TitlesAsync()));
        await page.GotoAsync(appleUrl);
        await Expect(page.GetByTestId("chat-load-error")).ToBeVisibleAsync(new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task HostDyingMidAnswer_IsToldOnceWithoutAnsweredBy_AndTheAnswerCanBeContinued()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(new FakeOllamaOptions
        {
            Fault = FakeFault.DieAfterTokens, FaultAfterTokens = 3, TokenDelay = TimeSpan.FromMilliseconds(20),
        });
        await using var node = await StartAsync("gpu-box", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        var (playwright, browser, page) = await OpenAsync(node, "/app/chat");
        using var _ = playwright;
        await using var __ = browser;
        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, Long);

        await AskAsync(page, "count one two three four five six seven");

        var answer = page.GetByTestId("chat-message-assistant");
        await Expect(answer).ToHaveAttributeAsync("data-status", "error");
        await Expect(answer.GetByTestId("chat-answer-error")).ToHaveCountAsync(1);
        await Expect(answer.GetByTestId("chat-answer-error")).ToHaveTextAsync("stopped: gpu-box went away after 3 tokens");
        await Expect(answer.GetByTestId("chat-answer-error")).ToHaveAttributeAsync("data-reason", "host_lost");
        await Expect(answer).Not.ToContainTextAsync("Answered by");
        await Expect(answer).ToContainTextAsync("Partial answer from gpu-box");
        await Expect(answer.GetByTestId("chat-answer-host")).ToHaveCountAsync(0);
        await Expect(answer).Not.ToContainTextAsync("Exception");
        await Expect(answer.GetByTestId("chat-retry")).ToBeVisibleAsync();
        // Only one host serves the model: no "retry on another host" to offer.
        await Expect(answer.GetByTestId("chat-retry-elsewhere")).ToHaveCountAsync(0);
        await AssertAccessibleInBothThemesAsync(page, "chat with an answer cut off", "chat-host-died");

        // The same words after a reload: the node saved them.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("chat-answer-error")).ToHaveTextAsync("stopped: gpu-box went away after 3 tokens", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("chat-message-assistant")).Not.ToContainTextAsync("Answered by");

        ollama.Options.Fault = FakeFault.None;
        await page.GetByTestId("chat-continue").ClickAsync();
        await Expect(answer).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 30_000 });
        await Expect(answer.GetByTestId("chat-answer-error")).ToHaveCountAsync(0);
        await Expect(answer.GetByTestId("chat-answer-host")).ToContainTextAsync("gpu-box");
        await Expect(answer).ToContainTextAsync("Answered by");
        await Expect(page.GetByTestId("chat-message-assistant")).ToHaveCountAsync(1);

        await answer.GetByTestId("chat-copy-answer").ClickAsync();
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        // The whole answer: the 3 tokens before the host died, then the rest (the fixture echoes the request to continue).
        Assert.StartsWith("Echo from llama3:latest:Echo from llama3:latest: Your previous answer was cut off.", copied, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoModelAnywhere_SaysWhatIsMissing_AndLinksToTheFix()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(Only("llama3:latest"));
        await using var node = await StartAsync("desk", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        var (playwright, browser, page) = await OpenAsync(node, "/app/chat");
        using var _ = playwright;
        await using var __ = browser;
        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, Long);

        // The model goes away between the catalog and the question: the node says so, with its reason.
        ollama.Options.Loaded = [];
        ollama.Options.Models = [];
        await Wait.UntilAsync(() => !Service<MeshMind.Llm.Local.LocalLlm>(node).Capability.HasLlm, WaitLimit, "the node to lose its LLM");
        await page.GetByTestId("chat-input").FillAsync("anyone?");
        await page.GetByTestId("chat-send").ClickAsync();

        var error = page.GetByTestId("chat-answer-error");
        await Expect(error).ToHaveAttributeAsync("data-reason", "no_llm", new() { Timeout = 15_000 });
        await Expect(error).ToContainTextAsync("ollama pull");
        await Expect(error.GetByTestId("chat-fix-link")).ToHaveAttributeAsync("href", "/app/network");
        await AssertAccessibleInBothThemesAsync(page, "chat with no model anywhere", "chat-no-model");
        await Expect(page.GetByTestId("chat-message-assistant")).Not.ToContainTextAsync("Answered by");
    }

    [Fact]
    public async Task EditedQuestion_ForksTheThread_AndBothVersionsStayReachable()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("desk", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        var (playwright, browser, page) = await OpenAsync(node, "/app/chat");
        using var _ = playwright;
        await using var __ = browser;
        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, Long);
        await AskAsync(page, "my name is Ada");
        await AskAsync(page, "I like tea");

        // ↑ in the empty question box edits the last question.
        await page.GetByTestId("chat-input").FocusAsync();
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.GetByTestId("chat-edit-input")).ToBeFocusedAsync();
        await page.GetByTestId("chat-edit-input").FillAsync("I like coffee");
        await page.GetByTestId("chat-edit-send").ClickAsync();

        var users = page.GetByTestId("chat-message-user");
        await Expect(users).ToHaveCountAsync(2, Long);
        await Expect(users.Last).ToHaveTextAsync("You: I like coffee");
        await Expect(page.GetByTestId("chat-message-assistant").Last).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("chat-thread")).Not.ToContainTextAsync("I like tea");
        await Expect(page.GetByTestId("chat-branch")).ToContainTextAsync("2/2");
        await AssertAccessibleInBothThemesAsync(page, "chat with a fork", "chat-fork");

        await page.GetByTestId("chat-branch-prev").ClickAsync();
        await Expect(users.Last).ToHaveTextAsync("You: I like tea");
        await Expect(page.GetByTestId("chat-branch")).ToContainTextAsync("1/2");

        // The node kept the tree: a reload shows the newest branch, and the next question follows it.
        await page.ReloadAsync();
        await Expect(users.Last).ToHaveTextAsync("You: I like coffee", new() { Timeout = 15_000 });
        await AskAsync(page, "what do I like?");
        var sent = ollama.LastRequest!["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).ToList();
        Assert.Contains("I like coffee", sent);
        Assert.DoesNotContain("I like tea", sent);

        // Regenerate: a second answer to the same question, the first one a version away.
        await page.GetByTestId("chat-regenerate").Last.ClickAsync();
        await Expect(page.GetByTestId("chat-message-assistant").Last).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 30_000 });
        await Expect(users).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("chat-branch").Last).ToContainTextAsync("2/2");
    }

    [Fact]
    public async Task PeerConversation_ContinueHere_OpensACopyInChat()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync();
        await using var host = await StartAsync("gpu-box", ollama.BaseAddress.ToString());
        await using var thin = await StartAsync("laptop", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using (var thinClient = await thin.CreateLoggedInClientAsync())
        {
            (await thinClient.PostAsJsonAsync("/api/chat", new { message = "plan the garden" }, Ct)).EnsureSuccessStatusCode();
        }

        var (playwright, browser, page) = await OpenAsync(host, "/app/conversations");
        using var _ = playwright;
        await using var __ = browser;
        await page.GetByTestId("peer-conversation-peer").Filter(new() { HasText = "laptop" }).ClickAsync();
        await Expect(page.GetByTestId("peer-conversation-exchange")).ToContainTextAsync("plan the garden", new() { Timeout = 15_000 });
        await page.GetByTestId("peer-conversation-continue").ClickAsync();

        await Expect(page).ToHaveURLAsync(ConversationUrl());
        await Expect(page.GetByTestId("chat-message-user")).ToHaveTextAsync("You: plan the garden", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("chat-title")).ToContainTextAsync("(from laptop)", new() { Timeout = 15_000 });
        await AskAsync(page, "and the trees?");
        await Expect(page.GetByTestId("chat-message-user")).ToHaveCountAsync(2);
    }
}
