using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
    public async Task Chat_WhileEveryHostIsBusy_ShowsItsPlaceInLine_ThenTheAnswer()
    {
        Support.Browser.RequireChromium();
        // One slot, 30 tokens at 10 a second: a chat holds the host for about 3 s.
        await using var ollama = await FixtureAsync(new FakeOllamaOptions
        {
            Reply = string.Join(' ', Enumerable.Range(1, 30).Select(i => $"w{i}")),
            Gpu = new GpuOptions { Slots = 1, TokensPerSecond = 10 },
        });
        await using var host = await StartAsync("gpu-box", ollama.BaseAddress.ToString(), extra: new() { ["Llm:MaxParallel"] = "1" });
        await using var thin = await StartAsync("laptop", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var api = await thin.CreateLoggedInClientAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(thin.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        await Expect(page.GetByTestId("chat-model-picker").Locator("option[value='llama3:latest']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        // Someone else's chat takes the host's only slot.
        var other = api.PostAsJsonAsync("/v1/chat/completions", new { model = "llama3", messages = new[] { new { role = "user", content = "busy" } } }, Ct);
        await Support.Wait.UntilAsync(() => ollama.Requests == 1, WaitLimit, "the other chat to take the host's slot");
        await page.GetByTestId("chat-input").FillAsync("am I in line?");
        await page.GetByTestId("chat-send").ClickAsync();

        await Expect(page.GetByTestId("chat-thinking")).ToContainTextAsync("yours is next in line", new() { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("chat-queued.png") });
        var answer = page.GetByTestId("chat-message-assistant");
        await Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 30_000 });
        await Expect(answer).ToContainTextAsync("w30");
        await Expect(answer.GetByTestId("chat-answer-host")).ToContainTextAsync("gpu-box");
        using var otherResponse = await other;
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
        Assert.Equal(0, ollama.Gpu!.Rejected);
    }

    [Fact]
    public async Task DefaultModel_IsKeptForTheUser_AndAnotherBrowserStartsNewChatsWithIt()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("gpu-box", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);

        await using var first = await browser.NewContextAsync();
        var page = await first.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        var picker = page.GetByTestId("chat-model-picker");
        await Expect(picker.Locator("option[value='phi3:mini']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(picker).ToHaveValueAsync("llama3:latest"); // nothing chosen yet: the catalog's first
        var makeDefault = page.GetByTestId("chat-model-default");
        await Expect(makeDefault).ToHaveAttributeAsync("data-default", "false");

        await picker.SelectOptionAsync("phi3:mini");
        await makeDefault.ClickAsync();

        await Expect(makeDefault).ToHaveAttributeAsync("data-default", "true");
        await Expect(makeDefault).ToBeDisabledAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page.GetByTestId("chat-model-default"), "the default-model button");

        // Another browser, with nothing of the first one's storage: its new chat starts with this user's default.
        await using var second = await browser.NewContextAsync();
        var other = await second.NewPageAsync();
        await other.GotoAsync(new Uri(node.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(other, TestNode.Password);
        await Expect(other.GetByTestId("chat-model-picker")).ToHaveValueAsync("phi3:mini", new() { Timeout = 15_000 });
        await Expect(other.GetByTestId("chat-model-default")).ToHaveAttributeAsync("data-default", "true");
        // Picking another model there is for this chat only: the default stays.
        await other.GetByTestId("chat-model-picker").SelectOptionAsync("llama3:latest");
        await Expect(other.GetByTestId("chat-model-default")).ToHaveAttributeAsync("data-default", "false");
        await other.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("chat-default-model.png") });

        // The API says the same, and a name that is not a model name is refused with a reason, the saved default kept.
        using var client = await node.CreateLoggedInClientAsync();
        Assert.Equal("phi3:mini", (await (await client.GetAsync("/api/me/preferences", Ct)).JsonAsync()).GetProperty("default_model").GetString());
        using var refused = await client.PutAsJsonAsync("/api/me/preferences", new { default_model = "two words" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("default_model", (await refused.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("phi3:mini", (await (await client.GetAsync("/api/me/preferences", Ct)).JsonAsync()).GetProperty("default_model").GetString());
        using var cleared = await client.PutAsJsonAsync("/api/me/preferences", new { default_model = "" }, Ct);
        Assert.Equal(JsonValueKind.Null, (await cleared.JsonAsync()).GetProperty("default_model").ValueKind);
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
