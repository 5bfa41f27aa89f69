using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>
/// Shared Files in a real browser: upload with progress, the file listed, downloaded, pinned to the peer and unpinned, deleted;
/// a peer's file listed too, and still listed (unavailable, or downloadable from a pinned copy) while that peer is offline.
/// </summary>
public sealed class SharedFilesScreenTests
{
    [Fact]
    public async Task Upload_ShowsProgress_ListsDownloadsPinsAndDeletes_AndAPeersFileIsListed()
    {
        Support.Browser.RequireChromium();
        await using var peer = await StartAsync("peer-box", NoLlm);
        await using var node = await StartAsync("my-box", NoLlm, [peer]);
        await UntilLinkedAsync(node, peer);
        using (var onPeer = await peer.CreateLoggedInClientAsync())
        {
            await onPeer.PostAsync("/api/upload", new MultipartFormDataContent { { new ByteArrayContent("from the peer"u8.ToArray()), "file", "peer-notes.txt" } }, Ct);
        }

        using var dir = new TempDirectory();
        var upload = dir.Combine("quarterly report.bin");
        var bytes = new byte[8 * 1024 * 1024];
        new Random(9).NextBytes(bytes);
        await File.WriteAllBytesAsync(upload, bytes, Ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/files").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);

        var peerRow = page.Locator("[data-testid='file-row'][data-name='peer-notes.txt']");
        await Expect(peerRow).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(peerRow).ToContainTextAsync("peer-box");
        await Expect(peerRow.GetByTestId("file-delete")).ToHaveCountAsync(0);

        await page.GetByTestId("files-input").SetInputFilesAsync(upload);
        var row = page.Locator("[data-testid='file-row'][data-name='quarterly report.bin']");
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("files-upload-error")).ToHaveCountAsync(0);

        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByTestId("file-download").ClickAsync());
        Assert.Equal("quarterly report.bin", download.SuggestedFilename);
        var saved = dir.Combine("downloaded.bin");
        await download.SaveAsAsync(saved);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(saved, Ct));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("shared-files.png"), FullPage = true });

        // Pin: the peer keeps a copy, and the row says so; unpin takes it back.
        await row.GetByTestId("file-pin").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-pinned", "true", new() { Timeout = 15_000 });
        await Expect(row.GetByTestId("file-replicas")).ToContainTextAsync("1 copy", new() { Timeout = 15_000 });
        await Expect(row.GetByTestId("file-row-error")).ToHaveCountAsync(0);
        await row.GetByTestId("file-pin").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-pinned", "false", new() { Timeout = 15_000 });
        await Expect(row.GetByTestId("file-pinned")).ToHaveCountAsync(0);

        await row.GetByTestId("file-delete").ClickAsync();
        await page.GetByTestId("confirm-delete").ClickAsync();
        await Expect(row).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Expect(peerRow).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task PeerOffline_ItsFilesStayListedUnavailable_APinnedCopyStillDownloads_AndTheListGroupsByNode()
    {
        Support.Browser.RequireChromium();
        var peer = await StartAsync("peer-box", NoLlm); // disposed by the test, to take it offline
        await using var node = await StartAsync("my-box", NoLlm, [peer]);
        await UntilLinkedAsync(node, peer);
        await UntilLinkedAsync(peer, node);
        var peerId = Id(peer);
        var plan = "the plan, pinned"u8.ToArray();
        using (var onPeer = await peer.CreateLoggedInClientAsync())
        {
            await onPeer.PostAsync("/api/upload", new MultipartFormDataContent { { new ByteArrayContent("notes"u8.ToArray()), "file", "offline-notes.txt" } }, Ct);
            await onPeer.PostAsync("/api/upload", new MultipartFormDataContent { { new ByteArrayContent(plan), "file", "pinned-plan.txt" } }, Ct);
            using var pinned = await onPeer.PostAsync("/api/files/pinned-plan.txt/pin", null, Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, pinned.StatusCode);
            Assert.Equal(Id(node), Assert.Single((await pinned.JsonAsync()).GetProperty("accepted").EnumerateArray()).GetString());
        }

        using (var onNode = await node.CreateLoggedInClientAsync())
        {
            await onNode.PostAsync("/api/upload", new MultipartFormDataContent { { new ByteArrayContent("mine"u8.ToArray()), "file", "mine.txt" } }, Ct);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Support.Browser.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(node.BaseAddress, "/app/files").ToString());
        await Support.Browser.SignInAsync(page, TestNode.Password);
        var notes = page.Locator("[data-testid='file-row'][data-name='offline-notes.txt']");
        var planRow = page.Locator("[data-testid='file-row'][data-name='pinned-plan.txt']");
        await Expect(notes).ToHaveAttributeAsync("data-available", "true", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("files-unavailable-count")).ToHaveCountAsync(0);

        await peer.DisposeAsync();

        // Still listed, as the offline peer's, and unavailable; the pinned file downloads from this node's copy.
        await Expect(notes).ToHaveAttributeAsync("data-available", "false", new() { Timeout = 20_000 });
        await Expect(notes).ToContainTextAsync("peer-box");
        await Expect(notes.GetByTestId("file-unavailable")).ToBeVisibleAsync();
        await Expect(notes.GetByTestId("file-download")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("files-unavailable-count")).ToContainTextAsync("1 unavailable");
        await Expect(planRow).ToHaveAttributeAsync("data-available", "true");
        await Expect(planRow).ToContainTextAsync("peer-box");
        await Expect(planRow.GetByTestId("file-origin-state")).ToHaveAttributeAsync("data-online", "false");
        var download = await page.RunAndWaitForDownloadAsync(() => planRow.GetByTestId("file-download").ClickAsync());
        Assert.Equal("pinned-plan.txt", download.SuggestedFilename);
        using var dir = new TempDirectory();
        await download.SaveAsAsync(dir.Combine("plan.txt"));
        Assert.Equal(plan, await File.ReadAllBytesAsync(dir.Combine("plan.txt"), Ct));

        // Grouped by node: this node's files first, then the offline peer's; sorted by name within each, both ways.
        await page.GetByTestId("files-group").CheckAsync();
        var groups = page.GetByTestId("file-group");
        await Expect(groups).ToHaveCountAsync(2);
        await Expect(groups.Nth(0)).ToHaveAttributeAsync("data-node-id", "local");
        await Expect(groups.Nth(0)).ToContainTextAsync("this node");
        await Expect(groups.Nth(1)).ToHaveAttributeAsync("data-node-id", peerId);
        await Expect(groups.Nth(1)).ToContainTextAsync("peer-box");
        await Expect(groups.Nth(1)).ToContainTextAsync("2 files");
        await page.GetByRole(AriaRole.Columnheader, new() { Name = "Name" }).GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Name" })).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal(["mine.txt", "offline-notes.txt", "pinned-plan.txt"], await RowNamesAsync(page));
        await page.GetByRole(AriaRole.Columnheader, new() { Name = "Name" }).GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Name" })).ToHaveAttributeAsync("aria-sort", "descending");
        Assert.Equal(["mine.txt", "pinned-plan.txt", "offline-notes.txt"], await RowNamesAsync(page));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Support.Browser.ArtifactPath("shared-files-offline-peer-grouped.png"), FullPage = true });

        // Ungrouped, by origin: this node's file first.
        await page.GetByTestId("files-group").UncheckAsync();
        await Expect(groups).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Columnheader, new() { Name = "Origin" }).GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Origin" })).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal(["mine.txt", "offline-notes.txt", "pinned-plan.txt"], await RowNamesAsync(page));
    }

    private static Task<string[]> RowNamesAsync(IPage page) =>
        page.GetByTestId("file-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.name)");
}
