using MeshMind.Mesh;
using MeshMind.Node;
using MeshMind.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace MeshMind.Files;

/// <summary>
/// The seed's file routes on the people-facing port: <c>POST /api/upload</c>, <c>GET /api/files</c>,
/// <c>GET /api/files/{filename}</c> (Range, ETag) and <c>DELETE /api/files/{filename}</c>.
/// </summary>
public static class FilesApi
{
    /// <summary>Room for the multipart framing around the file itself.</summary>
    private const long MultipartOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/upload", UploadAsync);
        endpoints.MapGet("/api/files", ListAsync);
        endpoints.MapGet("/api/files/{filename}", DownloadAsync);
        endpoints.MapDelete("/api/files/{filename}", DeleteAsync);
        endpoints.MapPost("/api/files/{filename}/pin", PinAsync);
        endpoints.MapDelete("/api/files/{filename}/pin", UnpinAsync);
        endpoints.MapPeerFileProxy();
        return endpoints;
    }

    private static async Task<IResult> UploadAsync(HttpContext context, FileStore store)
    {
        var request = context.Request;
        var limit = store.Options.MaxUploadBytes;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
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
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFileDisposition() || disposition.Name.Value?.Trim('"') != "file")
                {
                    continue;
                }

                var raw = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                var (name, problem) = FileNames.Check(raw);
                if (name is null)
                {
                    return ApiResults.Error(StatusCodes.Status400BadRequest, $"the file name is refused: {problem}");
                }

                var stored = await store.SaveAsync(name, section.ContentType, section.Body, context.RequestAborted);
                context.RequestServices.GetRequiredService<Analytics.AnalyticsRecorder>().Upload(stored.Size);
                return TypedResults.Json(new UploadResponse(stored.Name, stored.Size, stored.Sha256, stored.ContentType, stored.Modified),
                    FileJsonContext.Default.UploadResponse, statusCode: StatusCodes.Status201Created);
            }

            return ApiResults.Error(StatusCodes.Status400BadRequest, "no file found: send it in a multipart field named 'file'");
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
    /// This node's files, the replicas it holds and every live peer's files and replicas, one entry per (sha256, name)
    /// with every node that has it. A replica is listed under its origin, also while the origin is offline.
    /// </summary>
    private static async Task<IResult> ListAsync(FileStore store, PeerFiles peerFiles, PeerDirectory directory, NodeInfo node, CancellationToken cancellationToken)
    {
        var local = await store.ListAsync(cancellationToken);
        var replicas = await store.ListReplicasAsync(cancellationToken);
        var remote = await peerFiles.ListAsync(cancellationToken);
        var self = new FileSource(node.NodeId, node.Name);
        var entries = new Dictionary<(string Sha256, string Name), FileEntry>();
        void Add(FileEntry entry, FileSource source, bool replica)
        {
            var key = (entry.Sha256, entry.Name);
            entries[key] = entries.TryGetValue(key, out var known)
                ? known with
                {
                    Pinned = known.Pinned || entry.Pinned,
                    AvailableFrom = known.AvailableFrom.Any(s => s.NodeId == source.NodeId) ? known.AvailableFrom : [.. known.AvailableFrom, source],
                    Replicas = replica && !known.Replicas.Contains(source.NodeId) ? [.. known.Replicas, source.NodeId] : known.Replicas,
                }
                : entry with { AvailableFrom = [source], Replicas = replica ? [source.NodeId] : [] };
        }

        // An origin that is offline is named as the directory last knew it, else as the replica holder reported it.
        FileOrigin OriginOf(string nodeId, string name) =>
            nodeId == node.NodeId ? new FileOrigin(node.NodeId, node.Name, LanAddress.Current)
            : directory.Find(nodeId) is { } known ? new FileOrigin(nodeId, known.Name, known.Addresses is [var address, ..] ? address.ToString() : "")
            : new FileOrigin(nodeId, name, "");

        string ByNode(string nodeId, string name) =>
            nodeId == node.NodeId ? "/api/files/" + Uri.EscapeDataString(name) : $"/api/peers/{nodeId}/files/{Uri.EscapeDataString(name)}";

        foreach (var f in local)
        {
            Add(new FileEntry(f.Name, f.Size, f.Sha256, f.ContentType, f.Modified, OriginOf(node.NodeId, node.Name), Local: true, f.Pinned,
                Available: true, [], ByNode(node.NodeId, f.Name)), self, replica: false);
        }

        foreach (var r in replicas)
        {
            Add(new FileEntry(r.Name, r.Size, r.Sha256, r.ContentType, r.Modified, OriginOf(r.OriginNodeId, r.OriginName), Local: false, Pinned: true,
                Available: true, [], ByNode(r.OriginNodeId, r.Name)), self, replica: true);
        }

        foreach (var (peer, files) in remote)
        {
            var source = new FileSource(peer.NodeId, peer.Name);
            foreach (var f in files)
            {
                var origin = f.Origin ?? peer.NodeId;
                if (origin == node.NodeId && !local.Any(l => l.Pinned && l.Sha256 == f.Id && l.Name == f.Name))
                {
                    // A peer's copy of one of our files that is no longer pinned (its list here is up to 15 s old): this
                    // node's own pin state is the truth.
                    continue;
                }

                Add(new FileEntry(f.Name, f.Size, f.Id, f.ContentType, f.Modified, OriginOf(origin, f.OriginName ?? peer.Name), Local: false,
                    f.Pinned, Available: true, [], ByNode(origin, f.Name)), source, replica: f.Origin is not null);
            }
        }

        return TypedResults.Json(new FileList([.. entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Local ? 0 : 1)]),
            FileJsonContext.Default.FileList);
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

    private static async Task<IResult> DownloadAsync(string filename, HttpRequest request, FileStore store, Analytics.AnalyticsRecorder recorder, CancellationToken cancellationToken)
    {
        ByteRanges.IgnoreOtherUnits(request);
        if (FileNames.Check(filename).Name is not { } name || await store.FindAsync(name, cancellationToken) is not { } file)
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, $"no file named '{Shorten(filename)}' on this node");
        }

        recorder.Download(request.Headers.Range.Count == 0 ? file.Size : 0);

        return TypedResults.PhysicalFile(store.BlobPath(file.Sha256), file.ContentType, file.Name, file.Modified,
            new EntityTagHeaderValue($"\"{file.Sha256}\""), enableRangeProcessing: true);
    }

    private static async Task<IResult> DeleteAsync(string filename, FileStore store, CancellationToken cancellationToken) =>
        FileNames.Check(filename).Name is { } name && await store.DeleteAsync(name, cancellationToken)
            ? TypedResults.NoContent()
            : ApiResults.Error(StatusCodes.Status404NotFound, $"no file named '{Shorten(filename)}' on this node");

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
