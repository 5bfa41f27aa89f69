using MeshMind.Files.Api;
using MeshMind.Files.Store;
using MeshMind.Infrastructure.Blocks;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using Microsoft.Net.Http.Headers;

namespace MeshMind.Files.Peers;

/// <summary>The mesh side of files (DESIGN §7), for admitted peers: <c>GET /mesh/files</c> (this node's list) and <c>GET /mesh/files/{sha256}</c> (content, Range).</summary>
internal static class PeerFileEndpoints
{
    public static IEndpointRouteBuilder MapPeerFiles(this IEndpointRouteBuilder peers)
    {
        peers.MapGet("/mesh/files", ListAsync);
        peers.MapGet("/mesh/files/{sha256}", ContentAsync);
        peers.MapGet("/mesh/files/{sha256}/blocks", BlocksAsync);
        return peers;
    }

    private static async Task ListAsync(HttpContext context, FileStore store)
    {
        var files = await store.ListAsync(context.RequestAborted);
        var replicas = await store.ListReplicasAsync(context.RequestAborted);
        await TypedResults.Json(new MeshFileList([.. files.Select(AnnouncedFile.From), .. replicas.Select(AnnouncedFile.From)]),
            MeshFileJsonContext.Default.MeshFileList).ExecuteAsync(context);
    }

    /// <summary>The file's block list (SHA-256 per 1 MiB), made once per stored blob and kept, for ranged reads to be checked.</summary>
    private static async Task<IResult> BlocksAsync(string sha256, FileStore store, BlockListCache blocks, CancellationToken cancellationToken)
    {
        if (!PeerFiles.IsSha256(sha256) || await store.FindBySha256Async(sha256, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Json(await blocks.GetAsync(store.BlobPath(sha256), cancellationToken), MeshFileJsonContext.Default.BlockList);
    }

    private static async Task ContentAsync(string sha256, HttpContext context, FileStore store, PeerDirectory peers, FileMetrics metrics)
    {
        if (!PeerFiles.IsSha256(sha256) || await store.FindBySha256Async(sha256, context.RequestAborted) is not { } file)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        ByteRanges.IgnoreOtherUnits(context.Request);
        if (context.Request.Headers.Range.Count == 0)
        {
            var peerId = context.PeerNodeId();
            metrics.Served(peerId, peers.Find(peerId)?.Name ?? peerId[..12], file.Size);
        }

        await TypedResults.PhysicalFile(store.BlobPath(sha256), file.ContentType, lastModified: file.Modified,
            entityTag: new EntityTagHeaderValue($"\"{sha256}\""), enableRangeProcessing: true).ExecuteAsync(context);
    }
}
