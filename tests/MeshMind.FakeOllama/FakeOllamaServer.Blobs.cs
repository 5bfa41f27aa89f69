using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MeshMind.FakeOllama;

/// <summary>
/// Ollama's models directory and its blob and create API, when <see cref="FakeOllamaOptions.ModelsDir"/> is set (issue 17):
/// <c>/api/tags</c> also lists every manifest under <c>manifests/&lt;host&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;tag&gt;</c> (its
/// digest the SHA-256 of the manifest's bytes, its size the sum of its blobs, as Ollama's <c>ListHandler</c>);
/// <c>HEAD /api/blobs/:digest</c> (200, 404; 400 for a malformed digest), <c>POST /api/blobs/:digest</c> (201, or 200 when
/// already there; 400 when the body does not hash to the digest), and <c>POST /api/create</c> from <c>files</c>.
/// </summary>
public sealed partial class FakeOllamaServer
{
    private const string DefaultHost = "registry.ollama.ai";
    private const string DefaultNamespace = "library";
    private long _blobBytesReceived;

    /// <summary>Bytes received by <c>POST /api/blobs</c>.</summary>
    public long BlobBytesReceived => Interlocked.Read(ref _blobBytesReceived);

    /// <summary>The bodies of the <c>POST /api/create</c> requests received.</summary>
    public List<JsonObject> CreateRequests { get; } = [];

    [GeneratedRegex("^sha256[:-][0-9a-f]{64}$")]
    private static partial Regex DigestPattern();

    /// <summary>
    /// Writes a model into <paramref name="modelsDir"/> as Ollama would after a pull: each blob under <c>blobs/</c>, then a
    /// manifest listing a config blob and the layers. Returns the manifest's digest (what <c>/api/tags</c> lists).
    /// </summary>
    public static string WriteModel(string modelsDir, string name, IReadOnlyList<(string MediaType, byte[] Content)> layers)
    {
        var config = Encoding.UTF8.GetBytes("""{"model_format":"gguf","model_family":"llama","model_type":"1B","file_type":"Q4_0"}""");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json",
            ["config"] = WriteBlob(modelsDir, "application/vnd.docker.container.image.v1+json", config),
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode)WriteBlob(modelsDir, l.MediaType, l.Content))]),
        };
        var bytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var path = ManifestPath(modelsDir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Where Ollama keeps the manifest of <paramref name="name"/> (<c>[[host/]namespace/]model[:tag]</c>).</summary>
    public static string ManifestPath(string modelsDir, string name)
    {
        var slash = name.LastIndexOf('/');
        var colon = name.IndexOf(':', slash + 1);
        var tag = colon < 0 ? "latest" : name[(colon + 1)..];
        var parts = (colon < 0 ? name : name[..colon]).Split('/');
        string[] full = parts.Length switch
        {
            1 => [DefaultHost, DefaultNamespace, parts[0]],
            2 => [DefaultHost, parts[0], parts[1]],
            _ => parts,
        };
        return Path.Combine([modelsDir, "manifests", .. full, tag]);
    }

    /// <summary>The blob file of a <c>sha256:…</c> digest.</summary>
    public static string BlobPath(string modelsDir, string digest) => Path.Combine(modelsDir, "blobs", digest.Replace(':', '-'));

    private static JsonObject WriteBlob(string modelsDir, string mediaType, byte[] content)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        Directory.CreateDirectory(Path.Combine(modelsDir, "blobs"));
        File.WriteAllBytes(BlobPath(modelsDir, digest), content);
        return new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = content.LongLength };
    }

    private void MapBlobs(WebApplication app)
    {
        app.MapMethods("/api/blobs/{digest}", ["HEAD"], (string digest) =>
            !DigestPattern().IsMatch(digest) ? Results.BadRequest(new JsonObject { ["error"] = "invalid digest format" })
            : Options.ModelsDir is { } dir && File.Exists(BlobPath(dir, digest)) ? Results.Ok()
            : Results.NotFound(new JsonObject { ["error"] = $"blob \"{digest}\" not found" }));
        app.MapPost("/api/blobs/{digest}", CreateBlobAsync);
        app.MapPost("/api/create", CreateAsync);
    }

    /// <summary>The models under <see cref="FakeOllamaOptions.ModelsDir"/>, as <c>/api/tags</c> lists them.</summary>
    private IEnumerable<JsonNode?> DiskTags()
    {
        if (Options.ModelsDir is not { } dir || !Directory.Exists(Path.Combine(dir, "manifests")))
        {
            yield break;
        }

        var root = Path.Combine(dir, "manifests");
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var parts = Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar);
            if (parts.Length != 4)
            {
                continue;
            }

            var bytes = File.ReadAllBytes(path);
            var manifest = JsonNode.Parse(bytes)!.AsObject();
            var size = (manifest["layers"]?.AsArray() ?? []).Append(manifest["config"]).Sum(l => l?["size"]?.GetValue<long>() ?? 0);
            var name = parts[0] == DefaultHost ? (parts[1] == DefaultNamespace ? $"{parts[2]}:{parts[3]}" : $"{parts[1]}/{parts[2]}:{parts[3]}")
                : $"{parts[0]}/{parts[1]}/{parts[2]}:{parts[3]}";
            var model = new FakeModel(name, "llama", "1B", size);
            var tag = Tag(model);
            tag["digest"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
            tag["modified_at"] = File.GetLastWriteTimeUtc(path).ToString("o", CultureInfo.InvariantCulture);
            yield return tag;
        }
    }

    private async Task<IResult> CreateBlobAsync(string digest, HttpContext context)
    {
        if (!DigestPattern().IsMatch(digest) || Options.ModelsDir is not { } dir)
        {
            return Results.BadRequest(new JsonObject { ["error"] = "invalid digest format" });
        }

        var path = BlobPath(dir, digest);
        if (File.Exists(path))
        {
            return Results.Ok();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, "sha256-" + Guid.NewGuid().ToString("N"));
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        await using (var file = File.Create(temporary))
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                Interlocked.Add(ref _blobBytesReceived, read);
            }

            var got = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            if (got != digest.Replace('-', ':'))
            {
                file.Close();
                File.Delete(temporary);
                return Results.BadRequest(new JsonObject { ["error"] = $"digest mismatch, expected \"{digest}\", got \"{got}\"" });
            }
        }

        File.Move(temporary, path, overwrite: true);
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    /// <summary>
    /// <c>POST /api/create</c> with <c>files</c> (GGUF blobs already pushed; the first is the model, the others projectors),
    /// <c>adapters</c>, and the text fields: writes a new config, the text layers and a manifest, as Ollama does.
    /// </summary>
    private async Task CreateAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))?.AsObject();
        lock (CreateRequests)
        {
            CreateRequests.Add(request ?? []);
        }

        async Task AnswerAsync(int status, JsonObject line)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(line, context.RequestAborted);
        }

        var name = request?["model"]?.GetValue<string>();
        var files = request?["files"]?.AsObject();
        if (Options.ModelsDir is not { } dir || string.IsNullOrEmpty(name))
        {
            await AnswerAsync(StatusCodes.Status400BadRequest, new JsonObject { ["error"] = "model name is required" });
            return;
        }

        if (files is null or { Count: 0 })
        {
            await AnswerAsync(StatusCodes.Status400BadRequest, new JsonObject { ["error"] = "neither 'from' or 'files' was specified" });
            return;
        }

        var layers = new List<(string MediaType, string Digest)>();
        var first = true;
        foreach (var (_, value) in files)
        {
            layers.Add((first ? "application/vnd.ollama.image.model" : "application/vnd.ollama.image.projector", value!.GetValue<string>()));
            first = false;
        }

        foreach (var (_, value) in request!["adapters"]?.AsObject() ?? [])
        {
            layers.Add(("application/vnd.ollama.image.adapter", value!.GetValue<string>()));
        }

        if (layers.FirstOrDefault(l => !DigestPattern().IsMatch(l.Digest) || !File.Exists(BlobPath(dir, l.Digest))) is { Digest: { } missing })
        {
            await AnswerAsync(StatusCodes.Status400BadRequest, new JsonObject { ["error"] = $"blob {missing} not found" });
            return;
        }

        var written = layers.Select(l => new JsonObject { ["mediaType"] = l.MediaType, ["digest"] = l.Digest, ["size"] = new FileInfo(BlobPath(dir, l.Digest)).Length }).ToList();
        foreach (var (field, mediaType) in new[] { ("template", "template"), ("system", "system"), ("license", "license"), ("parameters", "params"), ("messages", "messages") })
        {
            if (request[field] is { } text)
            {
                var content = text.GetValueKind() == System.Text.Json.JsonValueKind.String ? text.GetValue<string>() : text.ToJsonString();
                written.Add(WriteBlob(dir, "application/vnd.ollama.image." + mediaType, Encoding.UTF8.GetBytes(content)));
            }
        }

        var config = WriteBlob(dir, "application/vnd.docker.container.image.v1+json", Encoding.UTF8.GetBytes("""{"model_format":"gguf"}"""));
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json",
            ["config"] = config,
            ["layers"] = new JsonArray([.. written]),
        };
        var path = ManifestPath(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, manifest.ToJsonString(), context.RequestAborted);
        await AnswerAsync(StatusCodes.Status200OK, new JsonObject { ["status"] = "success" });
    }
}
