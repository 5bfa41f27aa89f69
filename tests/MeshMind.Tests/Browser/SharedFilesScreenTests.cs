using MeshMind.Tests.Support;
using Microsoft.Playwright;
using static MeshMind.Tests.Llm.LlmNodes;
using static Microsoft.Playwright.Assertions;

namespace MeshMind.Tests.Browser;

/// <summary>Shared Files in a real browser: upload with progress, the file listed, downloaded, pinned to the peer and unpinned, deleted; a peer's file listed too.</summary>
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
}
