using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Knowledge.MeshSearchTests;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>Issue 19 in a real browser: searching inside the mesh's files on Shared Files, and a chat that uses them and cites them.</summary>
public sealed class MeshSearchScreenTests
{
    [Fact]
    public async Task SharedFiles_SearchInsideFiles_GroupsHitsByNode_HighlightsTheMatch_AndLinksTheFile()
    {
        Support.Browser.RequireChromium();
        await using var peer = await StartAsync("peer-box", NoLlm);
        await using var node = await StartAsync("my-box", NoLlm, [peer]);
        await UntilLinkedAsync(node, peer);
        using var onPeer = await peer.CreateLoggedInClientAsync();
        using var onNode = await node.CreateLoggedInClientAsync();
        await UploadAsync(onPeer, "q3-report.md", "Q3 report: customer churn fell to 3 percent after the onboarding redesign.");
        await UploadAsync(onPeer, "churn-notes.txt", "Notes on churn: interviews with customers who left.");
        await UploadAsync(onNode, "plan.txt", "Our plan to reduce churn next year.");
        await Wait.UntilAsync(async () => Hits(await SearchAsync(onNode, "churn")).Count() == 3, WaitLimit, "all three files indexed");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/files").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        await page.GetByTestId("mesh-search-input").FillAsync("churn");
        await page.GetByTestId("mesh-search-submit").ClickAsync();

        var groups = page.GetByTestId("mesh-search-group");
        await Expect(groups).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        var peerGroup = page.Locator("[data-testid='mesh-search-group'][data-node='peer-box']");
        await Expect(peerGroup.GetByTestId("mesh-search-hit")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid='mesh-search-group'][data-node='my-box'] [data-testid='mesh-search-file']")).ToHaveTextAsync("plan.txt");
        var report = peerGroup.GetByTestId("mesh-search-hit").Filter(new() { HasText = "q3-report.md" });
        await Expect(report.Locator("mark")).ToHaveTextAsync("churn");
        await Expect(report.GetByTestId("mesh-search-file")).ToHaveAttributeAsync("href", $"/api/peers/{Id(peer)}/files/q3-report.md");
        await Expect(page.GetByTestId("mesh-search-missing")).ToHaveCountAsync(0);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "Shared Files with search results");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("mesh-search.png"), FullPage = true });

        await page.GetByTestId("mesh-search-input").FillAsync("zeppelin");
        await page.GetByTestId("mesh-search-submit").ClickAsync();
        await Expect(page.GetByTestId("mesh-search-empty")).ToContainTextAsync("zeppelin");
    }

    [Fact]
    public async Task Chat_UseMeshFiles_AnswerShowsNumberedSourcesLinkingToTheFile()
    {
        Support.Browser.RequireChromium();
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Reply = "Churn fell to 3 percent in Q3 [1]." });
        await using var host = await StartAsync("gpu-box", ollama.BaseAddress.ToString());
        await using var peer = await StartAsync("peer-box", NoLlm, [host]);
        await UntilLinkedAsync(host, peer);
        await UntilLocalLlmAsync(host);
        using var onPeer = await peer.CreateLoggedInClientAsync();
        using var onHost = await host.CreateLoggedInClientAsync();
        await UploadAsync(onPeer, "q3-report.md", "Q3 report: customer churn fell to 3 percent after the onboarding redesign.");
        await Wait.UntilAsync(async () => Hits(await SearchAsync(onHost, "churn")).Any(), WaitLimit, "the report found from the host");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(host.BaseAddress, "/app/chat").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        await page.GetByTestId("chat-knowledge").CheckAsync();
        await page.GetByTestId("chat-input").FillAsync("What did the Q3 report say about churn?");
        await page.GetByTestId("chat-send").ClickAsync();

        var source = page.GetByTestId("chat-source");
        await Expect(source).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(source).ToHaveAttributeAsync("data-number", "1");
        await Expect(source).ToContainTextAsync("[1]");
        await Expect(source).ToContainTextAsync("peer-box");
        await Expect(source.GetByTestId("chat-source-file")).ToHaveTextAsync("q3-report.md");
        await Expect(source.GetByTestId("chat-source-file")).ToHaveAttributeAsync("href", $"/api/peers/{Id(peer)}/files/q3-report.md");
        await Expect(source.Locator("mark", new() { HasText = "churn" })).ToHaveCountAsync(1); // every word of the question is marked
        await Expect(page.GetByText("Churn fell to 3 percent in Q3 [1].")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "a chat answer with sources");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("chat-sources.png"), FullPage = true });

        // Without the toggle, no sources.
        await page.GetByTestId("chat-knowledge").UncheckAsync();
        await page.GetByTestId("chat-input").FillAsync("And without files?");
        await page.GetByTestId("chat-send").ClickAsync();
        await Expect(page.GetByTestId("chat-copy-answer")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("chat-sources")).ToHaveCountAsync(1);

        // The sources are kept with the exchange: the reopened conversation cites them as the answer did.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/app/chat/c_"));
        await page.ReloadAsync();
        await Expect(page.GetByTestId("chat-copy-answer")).ToHaveCountAsync(2, new() { Timeout = 10_000 }); // both answers loaded
        var reloaded = page.GetByTestId("chat-source");
        await Expect(reloaded).ToHaveCountAsync(1);
        await Expect(reloaded).ToHaveAttributeAsync("data-number", "1");
        await Expect(reloaded.GetByTestId("chat-source-file")).ToHaveAttributeAsync("href", $"/api/peers/{Id(peer)}/files/q3-report.md");

        // And in the history the peer received: linked as the peer serves its own file.
        var onPeerPage = await browser.NewPageAsync();
        await onPeerPage.GotoAsync(new Uri(peer.BaseAddress, $"/app/conversations?peer={Id(host)}").ToString());
        await Support.Browser.SignInAsync(onPeerPage, TestNode.Password);
        var received = onPeerPage.GetByTestId("chat-source");
        await Expect(received).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(received.GetByTestId("chat-source-file")).ToHaveAttributeAsync("href", "/api/files/q3-report.md");
    }
}
