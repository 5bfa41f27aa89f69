using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>Chat and Peer Conversations in a real browser, on a node without an LLM: the answer streams in from a peer.</summary>
public sealed class ChatScreenTests
{
    private const string Reply =
        "Here is a tiny program that greets the mesh, one word at a time so you can watch it arrive:\n\n```python\nprint('hello mesh')\n```\n\nThat is **all** it takes.";

    [Fact]
    public async Task Chat_TokensStreamIn_ThenTheAnsweringHostIsShown_AndThePeerSeesTheHistory()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Reply = Reply, TokenDelay = TimeSpan.FromMilliseconds(60) });
        await using var host = await StartAsync("gpu-box", ollama.BaseAddress.ToString());
        await using var thin = await StartAsync("laptop", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(thin.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await page.GetByTestId("chat-input").FillAsync("show me a greeting");
        await page.GetByTestId("chat-send").ClickAsync();

        await Expect(page.GetByTestId("chat-message-user")).ToContainTextAsync("show me a greeting");
        var answer = page.GetByTestId("chat-message-assistant");
        // Part of the answer is on screen while the rest is still coming.
        await Expect(answer).ToHaveAttributeAsync("data-streaming", "true");
        await Expect(answer).ToContainTextAsync("tiny program", new() { Timeout = 15_000 });
        await Expect(answer).ToHaveAttributeAsync("data-streaming", "true");
        await Expect(page.GetByTestId("chat-stop")).ToBeVisibleAsync();

        await Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 30_000 });
        await Expect(answer.GetByTestId("chat-answer-host")).ToContainTextAsync("gpu-box");
        await Expect(answer.GetByTestId("markdown-code")).ToContainTextAsync("print('hello mesh')");
        await Expect(answer.Locator("strong")).ToHaveTextAsync("all");
        await Expect(answer.GetByTestId("chat-answer-error")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("chat-conversation-item")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("chat-screen.png"), FullPage = true });

        // The exchange reached the host over the link: its Peer Conversations screen shows it under "laptop".
        var hostPage = await browser.NewPageAsync();
        await hostPage.GotoAsync(new Uri(host.BaseAddress, "/app/conversations").ToString());
        await Support.Browser.SignInAsync(hostPage, TestNode.Password);
        await hostPage.GetByTestId("peer-conversation-peer").Filter(new() { HasText = "laptop" }).ClickAsync();
        await Expect(hostPage.GetByTestId("peer-conversation-exchange")).ToContainTextAsync("show me a greeting", new() { Timeout = 15_000 });
        await hostPage.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("peer-conversations.png"), FullPage = true });
    }

    [Fact]
    public async Task Chat_WithNoLlmInTheMesh_SaysSoAndCannotSend()
    {
        Support.Browser.RequireChromium();
        await using var node = await StartAsync("alone", NoLlm);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        await Expect(page.GetByTestId("chat-no-llm")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.GetByTestId("chat-input").FillAsync("anyone there?");
        await Expect(page.GetByTestId("chat-send")).ToBeDisabledAsync();
    }
}
