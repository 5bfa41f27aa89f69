using System.Net;
using MeshMind.Files.Peers;
using MeshMind.Files.Store;
using MeshMind.Infrastructure;
using MeshMind.Infrastructure.Blocks;
using MeshMind.Mesh.Peers;
using Microsoft.Net.Http.Headers;

namespace MeshMind.Files.Api;

/// <summary>
/// A peer's file through this node, on the people-facing port (DESIGN §7). Only a live, admitted peer is ever contacted,
/// over its mutual-TLS mesh port: an address or id that is not one is a 404, never a request.
/// </summary>
internal static class PeerFileProxy
{
    private const int BufferSize = 256 * 1024;

    public static IEndpointRouteBuilder MapPeerFileProxy(this IEndpointRouteBuilder endpoints)
    {
        // The seed's form, by the peer's address; and by node id, which stays right when addresses change.
        endpoints.MapGet("/api/peer-file/{ip}/{filename}", (string ip, string filename, HttpContext context, PeerFiles files) =>
            ProxyAsync(context, files, IPAddress.TryParse(ip, out var address) && ip.Contains('.', StringComparison.Ordinal)
                ? files.LivePeers().FirstOrDefault(p => p.Addresses.Contains(address)) : null, filename))
            .ProducesFile().ProducesErrors(404, 502);
        endpoints.MapGet("/api/peers/{nodeId}/files/{filename}", ByNodeAsync).ProducesFile().ProducesErrors(404, 502);
        return endpoints;
    }

    /// <summary>
    /// A node's file by its id: from that node while it is linked; while it is not, from a replica of its pinned file
    /// (this node's own, else a live peer's). The file is only ever fetched from admitted peers over the mesh port.
    /// </summary>
    private static async Task ByNodeAsync(string nodeId, string filename, HttpContext context, PeerFiles files, FileStore store, PeerDirectory directory)
    {
        var live = files.LivePeers().FirstOrDefault(p => p.NodeId == nodeId);
        if (live is not null || FileNames.Check(filename).Name is not { } name || !PeerFiles.IsSha256(nodeId))
        {
            await ProxyAsync(context, files, live, filename);
            return;
        }

        if (await store.FindReplicaAsync(nodeId, name, context.RequestAborted) is { } replica)
        {
            ByteRanges.IgnoreOtherUnits(context.Request);
            await TypedResults.PhysicalFile(store.BlobPath(replica.Sha256), replica.ContentType, replica.Name, replica.Modified,
                new EntityTagHeaderValue($"\"{replica.Sha256}\""), enableRangeProcessing: true).ExecuteAsync(context);
            return;
        }

        if (await files.ReplicaHoldersAsync(nodeId, name, context.RequestAborted) is [var (holder, held), ..])
        {
            await ProxyAsync(context, files, holder, held);
            return;
        }

        var who = directory.Find(nodeId) is { Name.Length: > 0 } known ? $"'{known.Name}'" : "that node";
        await ApiResults.WriteErrorAsync(context, StatusCodes.Status404NotFound,
            $"'{name}' is unavailable: {who} is offline and no reachable node holds a pinned copy of it");
    }

    private static async Task ProxyAsync(HttpContext context, PeerFiles files, PeerInfo? peer, string filename)
    {
        if (peer is null)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status404NotFound, "no live peer of this mesh there");
            return;
        }

        if (FileNames.Check(filename).Name is not { } name || await files.FindAsync(peer, name, context.RequestAborted) is not { } file)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"'{peer.Name}' shares no file of that name");
            return;
        }

        await ProxyAsync(context, files, peer, file);
    }

    /// <summary>Streams <paramref name="file"/> (the peer's own, or a replica it holds) from <paramref name="peer"/>'s mesh port.</summary>
    private static async Task ProxyAsync(HttpContext context, PeerFiles files, PeerInfo peer, AnnouncedFile file)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mesh/files/" + file.Id);
        ByteRanges.IgnoreOtherUnits(context.Request);
        var range = context.Request.Headers.Range.ToString();
        if (SingleByteRange.Parse(range, file.Size) is var (from, to)
            && await VerifiedRange.BlockListAsync(files, peer, file, context.RequestAborted) is { } blocks)
        {
            await VerifiedRange.SendAsync(context, files, peer, file, blocks, from, to);
            context.RequestServices.GetRequiredService<FileMetrics>().Proxied(peer.NodeId, peer.Name, to - from + 1);
            return;
        }

        if (range.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        HttpResponseMessage upstream;
        try
        {
            upstream = await files.BulkClient(peer).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status502BadGateway, $"'{peer.Name}' could not be reached: {ex.Message}");
            return;
        }

        using (upstream)
        {
            var response = context.Response;
            if (upstream.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable))
            {
                await ApiResults.WriteErrorAsync(context, StatusCodes.Status502BadGateway, $"'{peer.Name}' answered {(int)upstream.StatusCode} for that file");
                return;
            }

            response.StatusCode = (int)upstream.StatusCode;
            response.ContentType = file.ContentType;
            response.ContentLength = upstream.Content.Headers.ContentLength;
            if (upstream.Content.Headers.ContentRange is { } contentRange)
            {
                response.Headers.ContentRange = contentRange.ToString();
            }

            response.Headers.AcceptRanges = "bytes";
            response.Headers.ETag = $"\"{file.Id}\"";
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = file.Name }.ToString();
            await using var body = await upstream.Content.ReadAsStreamAsync(context.RequestAborted);
            var whole = upstream.StatusCode == HttpStatusCode.OK;
            await CopyAsync(body, context, whole ? file.Id : null);
            context.RequestServices.GetRequiredService<FileMetrics>().Proxied(peer.NodeId, peer.Name, upstream.Content.Headers.ContentLength ?? 0);
        }
    }

    /// <summary>
    /// Copies the peer's bytes through. For a whole file the last buffer is held back until the SHA-256 of everything
    /// matches the listed one; on a mismatch the connection is aborted, so the client never gets a complete-looking bad file.
    /// </summary>
    /// <remarks>
    /// Reading, hashing and sending overlap (issue 17), so a proxied download can use more than one core: the hash runs on a
    /// thread of its own (<see cref="BackgroundHash"/>), and the next read from the peer runs while the previous buffer is
    /// being sent. Three buffers turn: one being read into, one held back, one being sent (at most one send in flight).
    /// </remarks>
    private static async Task CopyAsync(Stream body, HttpContext context, string? expectedSha256)
    {
        var cancellationToken = context.RequestAborted;
        await using var hash = expectedSha256 is null ? null : new BackgroundHash();
        byte[][] buffers = [new byte[BufferSize], new byte[BufferSize], new byte[BufferSize]];
        var held = -1;
        var heldLength = 0;
        var next = 0;
        var sending = Task.CompletedTask;
        var reading = body.ReadAsync(buffers[next], cancellationToken).AsTask();
        try
        {
            while (await reading is var read and > 0)
            {
                var got = next;
                hash?.Append(buffers[got].AsSpan(0, read));

                // The buffer read two turns ago was being sent; once it is out, send the one held back and hold this one. The
                // next read goes into the buffer just sent.
                await sending;
                if (held >= 0)
                {
                    sending = context.Response.Body.WriteAsync(buffers[held].AsMemory(0, heldLength), cancellationToken).AsTask();
                }

                (held, heldLength) = (got, read);
                next = (got + 1) % buffers.Length;
                reading = body.ReadAsync(buffers[next], cancellationToken).AsTask();
            }

            await sending;
        }
        finally
        {
            // After a failure on one side, the other's pending operation ends with the request; its error adds nothing.
            await sending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ((Task)reading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (hash is not null && await hash.FinishAsync() != expectedSha256)
        {
            context.Abort();
            return;
        }

        if (held >= 0)
        {
            await context.Response.Body.WriteAsync(buffers[held].AsMemory(0, heldLength), cancellationToken);
        }
    }
}
