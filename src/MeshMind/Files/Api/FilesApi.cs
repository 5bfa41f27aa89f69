using MeshMind.Files.Pinning;
using MeshMind.Files.Store;
using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace MeshMind.Files.Api;

/// <summary>
/// The seed's file routes on the people-facing port: <c>POST /api/upload</c>, <c>GET /api/files</c>,
/// <c>GET /api/files/{filename}</c> (Range, ETag) and <c>DELETE /api/files/{filename}</c>.
/// </summary>
internal static class FilesApi
{
    /// <summary>Room for the multipart framing around the file itself.</summary>
    private const long MultipartOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/upload", UploadAsync)
            .AcceptsFile("file")
            .Produces<UploadResponse>(StatusCodes.Status201Created)
            .ProducesErrors(400, 413, 415);
        endpoints.MapGet("/api/files", ListAsync).Produces<FileList>().Produces(StatusCodes.Status304NotModified);
        endpoints.MapGet("/api/files/{filename}", DownloadAsync).ProducesFile().ProducesErrors(404);
        endpoints.MapDelete("/api/files/{filename}", DeleteAsync).Produces(StatusCodes.Status204NoContent).ProducesErrors(404);
        endpoints.MapPost("/api/files/{filename}/pin", PinAsync)
            .Produces<PinResponse>()
            .Produces<PinResponse>(StatusCodes.Status202Accepted)
            .ProducesErrors(404);
        endpoints.MapDelete("/api/files/{filename}/pin", UnpinAsync).Produces<PinResponse>().ProducesErrors(404);
        endpoints.MapPeerFileProxy();
        return endpoints;
    }

    private static async Task<IResult> UploadAsync(HttpContext context, FileStore store)
    {
        var request = context.Request;
        var limit = store.Options.MaxUploadBytes;
        if (UploadReader.Boundary(request.ContentType) is not { } boundary)
        {
            return ApiResults.Error(StatusCodes.Status415UnsupportedMediaType, "send the file as multipart/form-data in a field named 'file'");
        }

        if (request.ContentLength > limit + MultipartOverhead)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"the file is larger than the limit of {limit} bytes (Files:MaxUploadBytes)");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit + MultipartOverhead;
        }

        try
        {
            var (section, name, refused) = await UploadReader.ReadFileAsync(boundary, request.Body, context.RequestAborted);
            if (section is null || name is null)
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, refused ?? UploadReader.NoFile);
            }

            var stored = await store.SaveAsync(name, section.ContentType, section.Body, context.RequestAborted);
            context.RequestServices.GetRequiredService<FileMetrics>().Upload(stored.Size);
            return TypedResults.Json(new UploadResponse(stored.Name, stored.Size, stored.Sha256, stored.ContentType, stored.Modified),
                FileJsonContext.Default.UploadResponse, statusCode: StatusCodes.Status201Created);
        }
        catch (FileStore.TooLargeException ex)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, ex.Message);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"the file is larger than the limit of {limit} bytes (Files:MaxUploadBytes)");
        }
        catch (InvalidDataException ex)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"the multipart body is malformed: {ex.Message}");
        }
    }

    /// <summary>
    /// This node's files, the replicas it holds and every live peer's files and replicas (<see cref="FileListing"/>), served
    /// as kept bytes; <c>If-None-Match</c> with the current entity tag is answered 304.
    /// </summary>
    private static async Task<IResult> ListAsync(FileListing listing, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var current = await listing.GetAsync(cancellationToken);
        response.Headers.CacheControl = "no-cache";
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (AcceptsGzip(request))
        {
            response.Headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(current.Gzip, "application/json; charset=utf-8", entityTag: current.GzipETag);
        }

        return TypedResults.Bytes(current.Utf8Json, "application/json; charset=utf-8", entityTag: current.ETag);
    }

    /// <summary>Whether <c>Accept-Encoding</c> accepts gzip: named with a quality above zero, or not named and <c>*</c> accepted.</summary>
    internal static bool AcceptsGzip(HttpRequest request)
    {
        var any = false;
        foreach (var value in request.GetTypedHeaders().AcceptEncoding)
        {
            if (value.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return value.Quality is not <= 0;
            }

            any |= value.Value.Equals("*", StringComparison.Ordinal) && value.Quality is not <= 0;
        }

        return any;
    }

    /// <summary>Pins one of this node's files: every live peer with room keeps a hash-checked replica. 200 when all answered, else 202 with who is pending.</summary>
    private static async Task<IResult> PinAsync(string filename, Replication replication, CancellationToken cancellationToken) =>
        FileNames.Check(filename).Name is { } name && await replication.PinAsync(name, cancellationToken) is { } pinned
            ? TypedResults.Json(pinned, FileJsonContext.Default.PinResponse, statusCode: pinned.Pending.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status202Accepted)
            : ApiResults.Error(StatusCodes.Status404NotFound, $"no file named '{Shorten(filename)}' on this node (only a node's own files can be pinned)");

    private static async Task<IResult> UnpinAsync(string filename, Replication replication, CancellationToken cancellationToken) =>
        FileNames.Check(filename).Name is { } name && await replication.UnpinAsync(name, cancellationToken) is { } unpinned
            ? TypedResults.Json(unpinned, FileJsonContext.Default.PinResponse)
            : ApiResults.Error(StatusCodes.Status404NotFound, $"no file named '{Shorten(filename)}' on this node (only a node's own files can be pinned)");

    private static async Task<IResult> DownloadAsync(string filename, HttpRequest request, FileStore store, FileMetrics metrics, CancellationToken cancellationToken)
    {
        ByteRanges.IgnoreOtherUnits(request);
        if (FileNames.ForLookup(filename) is not { } name || await store.FindAsync(name, cancellationToken) is not { } file)
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, $"no file named '{Shorten(filename)}' on this node");
        }

        metrics.Download(request.Headers.Range.Count == 0 ? file.Size : 0);

        return TypedResults.PhysicalFile(store.BlobPath(file.Sha256), file.ContentType, file.Name, file.Modified,
            new EntityTagHeaderValue($"\"{file.Sha256}\""), enableRangeProcessing: true);
    }

    private static async Task<IResult> DeleteAsync(string filename, FileStore store, CancellationToken cancellationToken) =>
        FileNames.ForLookup(filename) is { } name && await store.DeleteAsync(name, cancellationToken)
            ? TypedResults.NoContent()
            : ApiResults.Error(StatusCodes.Status404NotFound, $"no file named '{Shorten(filename)}' on this node");

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
