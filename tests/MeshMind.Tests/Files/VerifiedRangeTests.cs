using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MeshMind.Files.Store;
using MeshMind.Infrastructure.Blocks;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Files;

/// <summary>Ranged downloads of a peer's file through the proxy are checked block by block against the peer's block list.</summary>
public sealed class VerifiedRangeTests
{
    private const int Block = BlockList.DefaultBlockSize;

    private static async Task<HttpResponseMessage> RangeAsync(HttpClient client, string url, long from, long to)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(from, to);
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task ProxiedRange_AcrossBlocks_Exact_AndABlockChangedUnderItsList_CutOff()
    {
        await using var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await UntilLinkedAsync(b, a);
        await UntilLinkedAsync(a, b);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        var content = RandomNumberGenerator.GetBytes(3 * Block + 500);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", "weights.bin" } })
        {
            Assert.Equal(HttpStatusCode.Created, (await onA.PostAsync("/api/upload", form, Ct)).StatusCode);
        }

        var url = $"/api/peers/{Id(a)}/files/weights.bin";
        using (var across = await RangeAsync(onB, url, Block - 10, 2 * Block + 9))
        {
            Assert.Equal(HttpStatusCode.PartialContent, across.StatusCode);
            Assert.Equal($"bytes {Block - 10}-{2 * Block + 9}/{content.Length}", across.Content.Headers.ContentRange?.ToString());
            Assert.Equal(content[(Block - 10)..(2 * Block + 10)], await across.Content.ReadAsByteArrayAsync(Ct));
        }

        // A's stored blob changes under its kept block list (same length and time): block 1 no longer matches.
        var blob = Service<FileStore>(a).BlobPath(sha);
        await Service<BlockListCache>(a).GetAsync(blob, Ct);
        var modified = File.GetLastWriteTimeUtc(blob);
        await using (var file = new FileStream(blob, FileMode.Open, FileAccess.Write))
        {
            file.Position = Block + 5;
            file.WriteByte((byte)(content[Block + 5] ^ 0xFF));
        }

        File.SetLastWriteTimeUtc(blob, modified);

        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var bad = await RangeAsync(onB, url, Block, Block + 99);
            await bad.Content.ReadAsByteArrayAsync(Ct);
        });
        using var untouched = await RangeAsync(onB, url, 2 * Block, 2 * Block + 99);
        Assert.Equal(content[(2 * Block)..(2 * Block + 100)], await untouched.Content.ReadAsByteArrayAsync(Ct));
    }
}
