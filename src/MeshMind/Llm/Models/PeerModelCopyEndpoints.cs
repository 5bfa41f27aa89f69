using System.Buffers;
using MeshMind.Infrastructure;
using MeshMind.Infrastructure.Blocks;

namespace MeshMind.Llm.Models;

/// <summary>
/// The serving side of model copies, on the mesh port for admitted peers (issue 17): <c>GET /mesh/models/manifest?model=</c>
/// (the manifest's bytes, unchanged), <c>GET /mesh/models/blobs/{digest}</c> (a blob, one byte range at most),
/// <c>GET /mesh/models/blobs/{digest}/blocks</c> (its <see cref="BlockList"/>, computed once per blob version), and
/// <c>POST /mesh/models/copy</c> (a person on another node asked this node to copy a model to itself).
/// </summary>
internal static class PeerModelCopyEndpoints
{
    private const int SendBuffer = 1 << 20;

    public static IEndpointRouteBuilder MapPeerModelCopy(this IEndpointRouteBuilder peers)
    {
        peers.MapGet("/mesh/models/manifest", ManifestAsync);
        peers.MapGet("/mesh/models/blobs/{digest}", BlobAsync);
        peers.MapGet("/mesh/models/blobs/{digest}/blocks", BlocksAsync);
        peers.MapPost("/mesh/models/copy", (HttpContext context, ModelCopier copier) => ModelCopyApi.CopyFromPeerRequestAsync(context, copier));
        return peers;
    }

    private static async Task<IResult> ManifestAsync(string? model, OllamaModelsDirectory models, CancellationToken cancellationToken)
    {
        if (OllamaModelName.Parse(model) is not { } name)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "not a model name Ollama accepts");
        }

        return await models.ReadManifestAsync(name, cancellationToken) is { } manifest
            ? TypedResults.Bytes(manifest, "application/vnd.docker.distribution.manifest.v2+json")
            : ApiResults.Error(StatusCodes.Status404NotFound, $"no model '{name.Display}' in this node's Ollama models directory");
    }

    private static async Task<IResult> BlocksAsync(string digest, OllamaModelsDirectory models, BlockListCache blocks, CancellationToken cancellationToken)
    {
        if (!BlobDigest.IsValid(digest))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "not a blob digest (sha256: and 64 lowercase hex digits)");
        }

        try
        {
            return TypedResults.Json(await blocks.GetAsync(models.BlobPath(digest), cancellationToken), ModelCopyJsonContext.Default.BlockList);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, "no such blob");
        }
    }

    /// <summary>The blob's bytes, whole (200) or from one <c>bytes=</c> range (206); every byte written is counted as served.</summary>
    private static async Task BlobAsync(string digest, HttpContext context, OllamaModelsDirectory models, ModelCopyMetrics metrics)
    {
        var cancellationToken = context.RequestAborted;
        var response = context.Response;
        if (!BlobDigest.IsValid(digest))
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "not a blob digest (sha256: and 64 lowercase hex digits)");
            return;
        }

        FileStream file;
        try
        {
            file = new FileStream(models.BlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status404NotFound, "no such blob");
            return;
        }

        await using (file)
        {
            var size = file.Length;
            var (from, to) = (0L, size - 1);
            response.Headers.AcceptRanges = "bytes";
            response.Headers.ETag = $"\"{digest}\"";
            if (context.Request.Headers.Range.Count > 0)
            {
                if (SingleByteRange.Parse(context.Request.Headers.Range.ToString(), size) is not { } resolved)
                {
                    response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    response.Headers.ContentRange = $"bytes */{size}";
                    return;
                }

                (from, to) = resolved;
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {from}-{to}/{size}";
            }

            response.ContentType = "application/octet-stream";
            response.ContentLength = to - from + 1;
            file.Position = from;
            await SendAsync(file, to - from + 1, context, metrics, cancellationToken);
        }
    }

    private static async Task SendAsync(FileStream file, long length, HttpContext context, ModelCopyMetrics metrics, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(SendBuffer);
        try
        {
            while (length > 0)
            {
                var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(SendBuffer, length)), cancellationToken);
                if (read == 0)
                {
                    // The file shrank under us: end the response short, which the receiver sees as a cut transfer.
                    context.Abort();
                    return;
                }

                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                metrics.Served(read);
                length -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
