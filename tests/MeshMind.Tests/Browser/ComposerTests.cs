using System.Text.Json;
using System.Text.RegularExpressions;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>
/// The Chat screen's composer in a real browser against real nodes: a file from this computer (OS picker, drop, paste) is
/// uploaded to the node's shared files with progress and attached, refusals keep what was typed, the shared-file picker
/// searches and names the holding node, Escape stops an answer, and at phone size the composer stays on screen.
/// </summary>
public sealed class ComposerTests
{
    private const string Question = "When is the meeting?";

    [Fact]
    public async Task FromYourComputer_UploadsWithProgress_CancelKeepsTheText_AndTheAnswerReadsTheFile()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(); // echoes the prompt, so the answer shows what the LLM was given
        await using var node = await StartAsync("desk", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);

        using var dir = new TempDirectory();
        var scan = dir.Combine("big scan.bin");
        var bytes = new byte[2 * 1024 * 1024];
        new Random(16).NextBytes(bytes);
        await File.WriteAllBytesAsync(scan, bytes, Ct);
        var notes = dir.Combine("meeting notes.txt");
        await File.WriteAllTextAsync(notes, "The meeting moved to Thursday at ten.", Ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        var input = page.GetByTestId("chat-input");
        await input.FillAsync(Question);

        // Uploads throttled to 128 KB/s, so the 2 MB file is seen on its way.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", Throughput(upload: 128 * 1024));

        await page.GetByTestId("chat-attach").ClickAsync();
        await Expect(page.GetByTestId("chat-attach-computer")).ToBeFocusedAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page.GetByTestId("chat-composer"), "the composer with the attach menu open");
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByTestId("chat-attach-computer").ClickAsync());
        await chooser.SetFilesAsync(scan);

        var progress = page.GetByTestId("chat-upload-progress");
        await Expect(progress).ToHaveAttributeAsync("data-name", "big scan.bin");
        await Expect(progress).ToHaveAttributeAsync("data-percent", new Regex("^[1-9][0-9]?$"), new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("chat-send")).ToBeDisabledAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("composer-upload.png") });
        await Accessibility.AssertNoSeriousViolationsAsync(page.GetByTestId("chat-composer"), "the composer uploading a file");

        await page.GetByTestId("chat-upload-cancel").ClickAsync();
        await Expect(progress).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("chat-attachment")).ToHaveCountAsync(0);
        await Expect(input).ToHaveValueAsync(Question);

        await cdp.SendAsync("Network.emulateNetworkConditions", Throughput(upload: -1));
        await page.GetByTestId("chat-attach").ClickAsync();
        chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByTestId("chat-attach-computer").ClickAsync());
        await chooser.SetFilesAsync(notes);
        await Expect(page.GetByTestId("chat-attachment")).ToContainTextAsync("meeting notes.txt", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("chat-upload-error")).ToHaveCountAsync(0);

        await page.GetByTestId("chat-send").ClickAsync();
        var answer = page.GetByTestId("chat-message-assistant");
        await Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 30_000 });
        await Expect(answer).ToContainTextAsync("moved to Thursday at ten");
        var prompt = ollama.LastRequest!["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>();
        Assert.Contains("The meeting moved to Thursday at ten.", prompt, StringComparison.Ordinal);
        Assert.Contains(Question, prompt, StringComparison.Ordinal);

        // The node shares the attached file; the cancelled upload was not kept.
        Assert.Equal(["meeting notes.txt"], await SharedNamesAsync(node));
    }

    [Fact]
    public async Task DropAndPaste_UploadAndAttach_AndRefusedFilesAreExplainedWithoutLosingTheText()
    {
        Support.Browser.RequireChromium();
        await using var node = await StartAsync("desk", NoLlm, extra: new() { ["Files:MaxUploadBytes"] = "4096" });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        var input = page.GetByTestId("chat-input");
        await input.FillAsync("Summarise these, please");
        var composer = page.GetByTestId("chat-composer");
        var attachment = page.GetByTestId("chat-attachment");

        // Two files dragged over the page: the drop zone shows; dropped, the first is uploaded and attached.
        var dropped = await page.EvaluateHandleAsync("""
            () => {
              const files = new DataTransfer();
              files.items.add(new File(['first dropped file'], 'dropped.txt', { type: 'text/plain' }));
              files.items.add(new File(['second dropped file'], 'left out.txt', { type: 'text/plain' }));
              return files;
            }
            """);
        await composer.DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        await Expect(composer).ToHaveAttributeAsync("data-dragging", "true");
        await Expect(page.GetByTestId("chat-dropzone")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("composer-drop.png") });
        await composer.DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        await Expect(page.GetByTestId("chat-dropzone")).ToHaveCountAsync(0);
        await Expect(attachment).ToContainTextAsync("dropped.txt", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("chat-attach-note")).ToContainTextAsync("attaching dropped.txt, not the other one");

        // A pasted file replaces it; the text box keeps its text.
        await input.EvaluateAsync("""
            input => {
              const clipboard = new DataTransfer();
              clipboard.items.add(new File(['pasted words'], 'pasted.txt', { type: 'text/plain' }));
              input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
            }
            """);
        await Expect(attachment).ToContainTextAsync("pasted.txt", new() { Timeout = 15_000 });
        await Expect(input).ToHaveValueAsync("Summarise these, please");

        // Too large for the node, then a name it refuses: each explained, the text and the attachment kept.
        var fileInput = page.GetByTestId("chat-file-input");
        var error = page.GetByTestId("chat-upload-error");
        await fileInput.SetInputFilesAsync(new FilePayload { Name = "huge.txt", MimeType = "text/plain", Buffer = new byte[10_000] });
        await Expect(error).ToContainTextAsync("huge.txt was not attached", new() { Timeout = 15_000 });
        await Expect(error).ToContainTextAsync("larger than the limit of 4096 bytes");
        await Expect(input).ToHaveValueAsync("Summarise these, please");
        await Expect(attachment).ToContainTextAsync("pasted.txt");

        await fileInput.SetInputFilesAsync(new FilePayload { Name = "what?.txt", MimeType = "text/plain", Buffer = "a question"u8.ToArray() });
        await Expect(error).ToContainTextAsync("what?.txt was not attached", new() { Timeout = 15_000 });
        await Expect(error).ToContainTextAsync("contains '?'");
        await Expect(error).ToHaveCountAsync(1);
        await Accessibility.AssertNoSeriousViolationsAsync(page.GetByTestId("chat-composer"), "the composer with a refused upload");
        await page.GetByTestId("chat-upload-dismiss").ClickAsync();
        await Expect(error).ToHaveCountAsync(0);
        await Expect(input).ToHaveValueAsync("Summarise these, please");
        await Expect(attachment).ToContainTextAsync("pasted.txt");

        Assert.Equal(["dropped.txt", "pasted.txt"], await SharedNamesAsync(node));
    }

    [Fact]
    public async Task SharedFilePicker_SearchesByFileOrNode_AndShowsWhichNodeHoldsEach()
    {
        Support.Browser.RequireChromium();
        await using var peer = await StartAsync("peer-box", NoLlm);
        await using var node = await StartAsync("my-box", NoLlm, [peer]);
        await UntilLinkedAsync(node, peer);
        await UploadAsync(peer, "budget notes.txt", "from the peer");
        await UploadAsync(node, "my plan.txt", "from this node");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        var options = page.GetByTestId("chat-file-option");
        var search = page.GetByTestId("chat-files-search");
        // The peer's file reaches the node's listing with the peers' next exchange of file lists.
        await Wait.UntilAsync(async () => (await ListedNamesAsync(node, localOnly: false)).Contains("budget notes.txt"), WaitLimit,
            "the peer's file listed on the node");
        await page.GetByTestId("chat-attach").ClickAsync();
        await page.GetByTestId("chat-attach-shared").ClickAsync();
        await Expect(options).ToHaveCountAsync(2, new() { Timeout = 10_000 });

        await Expect(search).ToBeFocusedAsync();
        var peerFile = page.Locator("[data-testid='chat-file-option'][data-name='budget notes.txt']");
        var ownFile = page.Locator("[data-testid='chat-file-option'][data-name='my plan.txt']");
        await Expect(peerFile.GetByTestId("chat-file-holder")).ToHaveTextAsync("on peer-box");
        await Expect(ownFile.GetByTestId("chat-file-holder")).ToHaveTextAsync("on this node");

        await search.FillAsync("NOTES");
        await Expect(options).ToHaveCountAsync(1);
        await Expect(peerFile).ToHaveCountAsync(1);
        await search.FillAsync("this node");
        await Expect(options).ToHaveCountAsync(1);
        await Expect(ownFile).ToHaveCountAsync(1);
        await search.FillAsync("quarterly");
        await Expect(options).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("chat-files-no-match")).ToBeVisibleAsync();

        // Escape in the box clears the search first; the peer's file is then chosen.
        await search.PressAsync("Escape");
        await Expect(search).ToHaveValueAsync("");
        await Expect(page.GetByTestId("chat-file-picker")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("composer-file-picker.png") });
        await Accessibility.AssertNoSeriousViolationsAsync(page.GetByTestId("chat-file-picker"), "the shared-file picker");
        await peerFile.ClickAsync();
        await Expect(page.GetByTestId("chat-file-picker")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("chat-attachment")).ToContainTextAsync("budget notes.txt");
    }

    [Fact]
    public async Task Escape_StopsAStreamingAnswer_FromTheComposerOrTheThread_ButFirstClosesAnOpenDialogOrMenu()
    {
        Support.Browser.RequireChromium();
        var reply = string.Join(' ', Enumerable.Repeat("slowly", 400));
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Reply = reply, TokenDelay = TimeSpan.FromMilliseconds(100) });
        await using var node = await StartAsync("desk", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        var input = page.GetByTestId("chat-input");
        var answers = page.GetByTestId("chat-message-assistant");

        // Focus in the composer (where it is after sending).
        await input.FillAsync("first");
        await input.PressAsync("Enter");
        await Expect(answers.Nth(0)).ToContainTextAsync("slowly", new() { Timeout = 15_000 });
        await Expect(input).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(answers.Nth(0)).ToHaveAttributeAsync("data-status", "stopped");
        await Expect(page.GetByTestId("chat-stop")).ToHaveCountAsync(0);
        await Wait.UntilAsync(() => ollama.Cancelled >= 1, WaitLimit, "the LLM's stream cancelled");

        // With the picker open, Escape closes it and the answer goes on; the attach menu likewise.
        await input.FillAsync("second");
        await input.PressAsync("Enter");
        var second = answers.Nth(1);
        await Expect(second).ToContainTextAsync("slowly", new() { Timeout = 15_000 });
        await page.GetByTestId("chat-attach").ClickAsync();
        await page.GetByTestId("chat-attach-shared").ClickAsync();
        await Expect(page.GetByTestId("chat-file-picker")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("chat-file-picker")).ToHaveCountAsync(0);
        await page.GetByTestId("chat-attach").ClickAsync();
        await Expect(page.GetByTestId("chat-attach-menu")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("chat-attach-menu")).ToHaveCountAsync(0);
        await Expect(second).ToHaveAttributeAsync("data-status", "streaming");

        // Focus anywhere else in the chat: a click in the thread.
        await page.GetByTestId("chat-message-user").Nth(1).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(second).ToHaveAttributeAsync("data-status", "stopped");
        await Expect(page.GetByTestId("chat-send")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AtPhoneSize_TheComposerStaysOnScreen_WithALongThread_AndConversationsAreInADrawer()
    {
        Support.Browser.RequireChromium();
        var reply = string.Join("\n\n", Enumerable.Range(1, 30).Select(i => $"Paragraph {i} of a long answer."));
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Reply = reply });
        await using var node = await StartAsync("pocket", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        // The conversation list is behind a button, not above the chat.
        await Expect(page.GetByTestId("chat-conversations-open")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("chat-new")).ToHaveCountAsync(0);

        var input = page.GetByTestId("chat-input");
        var answers = page.GetByTestId("chat-message-assistant");
        for (var i = 0; i < 3; i++)
        {
            await input.FillAsync($"question {i + 1}");
            await input.PressAsync("Enter");
            await Expect(answers.Nth(i)).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 30_000 });
        }

        await AssertComposerOnScreenAsync(page);
        var threadScrolls = await page.GetByTestId("chat-thread").EvaluateAsync<bool>("t => t.parentElement.scrollHeight > t.parentElement.clientHeight");
        Assert.True(threadScrolls, "the long thread scrolls inside the chat");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("chat-mobile.png") });

        // The drawer: open it, see the conversation, choose it; it closes and the composer is still on screen.
        await page.GetByTestId("chat-conversations-open").ClickAsync();
        var drawer = page.GetByTestId("chat-conversations-drawer");
        await Expect(drawer).ToBeVisibleAsync();
        await Expect(drawer.GetByTestId("chat-conversation-item")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("chat-mobile-conversations.png") });
        await Accessibility.AssertNoSeriousViolationsAsync(drawer, "the conversation drawer, the open conversation selected (light)");
        await drawer.GetByTestId("chat-new").ClickAsync();
        await Expect(drawer).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("chat-empty")).ToBeVisibleAsync();
        await page.GetByTestId("chat-conversations-open").ClickAsync();
        await drawer.GetByTestId("chat-conversation-item").ClickAsync();
        await Expect(drawer).ToHaveCountAsync(0);
        await Expect(answers).ToHaveCountAsync(3, new() { Timeout = 10_000 });
        await AssertComposerOnScreenAsync(page);

        // The same in the dark theme (this browser's choice, read as the app starts), the conversation reopened after the reload.
        await page.EvaluateAsync("() => localStorage.setItem('meshmind-theme', 'dark')");
        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveClassAsync(new Regex(@"\bdark\b"));
        await page.GetByTestId("chat-conversations-open").ClickAsync();
        await Expect(drawer.GetByTestId("chat-conversation-item")).ToHaveAttributeAsync("aria-current", "true", new() { Timeout = 10_000 });
        await Accessibility.AssertNoSeriousViolationsAsync(drawer, "the conversation drawer, the open conversation selected (dark)");
        await drawer.GetByTestId("chat-conversation-item").ClickAsync();
        await Expect(answers).ToHaveCountAsync(3, new() { Timeout = 10_000 });
        await AssertComposerOnScreenAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("chat-mobile-dark.png") });
        await Accessibility.AssertNoSeriousViolationsAsync(page.GetByTestId("chat-composer"), "the composer (dark)");
    }

    /// <summary>With the page at its top (as it opens), the whole composer is inside the 390×844 viewport.</summary>
    private static async Task AssertComposerOnScreenAsync(IPage page)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var box = await page.GetByTestId("chat-composer").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Y >= 0 && box.Y + box.Height <= 844, $"the composer spans y {box.Y}–{box.Y + box.Height}, outside the 844 px viewport");
    }

    private static Dictionary<string, object> Throughput(int upload) => new()
    {
        ["offline"] = false,
        ["latency"] = 0,
        ["downloadThroughput"] = -1,
        ["uploadThroughput"] = upload,
    };

    private static async Task UploadAsync(TestNode node, string name, string text)
    {
        using var client = await node.CreateLoggedInClientAsync();
        using var response = await client.PostAsync("/api/upload",
            new MultipartFormDataContent { { new StringContent(text), "file", name } }, Ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Names of the node's own shared files, sorted.</summary>
    private static Task<string[]> SharedNamesAsync(TestNode node) => ListedNamesAsync(node, localOnly: true);

    /// <summary>Names in the node's file listing (only its own files, or the whole mesh's), sorted.</summary>
    private static async Task<string[]> ListedNamesAsync(TestNode node, bool localOnly)
    {
        using var client = await node.CreateLoggedInClientAsync();
        using var response = await client.GetAsync("/api/files", Ct);
        var list = await response.JsonAsync();
        return [.. list.GetProperty("files").EnumerateArray()
            .Where(f => !localOnly || (f.TryGetProperty("local", out var local) && local.ValueKind == JsonValueKind.True))
            .Select(f => f.GetProperty("name").GetString()!)
            .Order(StringComparer.Ordinal)];
    }
}
