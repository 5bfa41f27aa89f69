using System.Net;
using System.Text.Json;
using MeshMind.Files.Peers;
using MeshMind.Infrastructure.Blocks;
using MeshMind.Mesh.Peers;
using Microsoft.Net.Http.Headers;

namespace MeshMind.Files.Api;

/// <summary>
/// A byte range of a peer's file through this node, checked block by block (issue 17): the range is widened to whole
/// 1 MiB blocks, each block is compared with the peer's block list as it arrives, and only the asked-for bytes of blocks
/// that matched are passed on. A block that does not match aborts the response, so a client never gets bad bytes as if
/// they were good ones (a whole download is checked against the file's SHA-256 instead).
/// </summary>
internal static class VerifiedRange
{
    private const int ChunkSize = 256 * 1024;

    /// <summary>The peer's block list for <paramref name="file"/>, or null when it has none to give (an older node).</summary>
    public static async Task<BlockList?> BlockListAsync(PeerFiles files, PeerInfo peer, AnnouncedFile file, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await files.Client(peer).GetAsync($"/mesh/files/{file.Id}/blocks", cancellationToken);
            var list = response.IsSuccessStatusCode
                ? await response.Content.ReadFromJsonAsync(MeshFileJsonContext.Default.BlockList, cancellationToken)
                : null;
            return list is not null && list.IsWellFormed() && list.Size == file.Size ? list : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Answers 206 with bytes <paramref name="from"/>–<paramref name="to"/> of the file, checked against <paramref name="list"/>.</summary>
    public static async Task SendAsync(HttpContext context, PeerFiles files, PeerInfo peer, AnnouncedFile file, BlockList list, long from, long to)
    {
        var cancellationToken = context.RequestAborted;
        var start = from / list.BlockSize * list.BlockSize;
        var end = Math.Min(list.Size, (to / list.BlockSize + 1) * list.BlockSize) - 1;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mesh/files/" + file.Id);
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(start, end);
        HttpResponseMessage upstream;
        try
        {
            upstream = await files.BulkClient(peer).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            await Infrastructure.ApiResults.WriteErrorAsync(context, StatusCodes.Status502BadGateway, $"'{peer.Name}' could not be reached: {ex.Message}");
            return;
        }

        using (upstream)
        {
            if (upstream.StatusCode != HttpStatusCode.PartialContent || upstream.Content.Headers.ContentRange?.From != start)
            {
                await Infrastructure.ApiResults.WriteErrorAsync(context, StatusCodes.Status502BadGateway, $"'{peer.Name}' answered {(int)upstream.StatusCode} for that range");
                return;
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.ContentType = file.ContentType;
            response.ContentLength = to - from + 1;
            response.Headers.ContentRange = $"bytes {from}-{to}/{file.Size}";
            response.Headers.AcceptRanges = "bytes";
            response.Headers.ETag = $"\"{file.Id}\"";
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = file.Name }.ToString();
            var verifier = new BlockVerifier(list, start);
            var buffer = new byte[ChunkSize];
            var pending = new List<byte[]>();
            await using var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            try
            {
                int read;
                while (verifier.Verified <= to && (read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    var offset = verifier.Verified;
                    verifier.Append(buffer.AsSpan(0, read), block =>
                    {
                        // The asked-for part of this block (blocks come in order, so offset tracks where each starts).
                        var first = Math.Max(from, offset);
                        var last = Math.Min(to, offset + block.Length - 1);
                        if (first <= last)
                        {
                            pending.Add(block.Span[(int)(first - offset)..(int)(last - offset + 1)].ToArray());
                        }

                        offset += block.Length;
                    });
                    foreach (var slice in pending)
                    {
                        await response.Body.WriteAsync(slice, cancellationToken);
                    }

                    pending.Clear();
                }
            }
            catch (BlockMismatchException)
            {
                context.Abort();
                return;
            }

            if (verifier.Verified <= to)
            {
                context.Abort(); // The peer's answer ended early: a short response, never a complete-looking one.
            }
        }
    }
}
