using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Models;

/// <summary>
/// The local Ollama's models directory (<see cref="LlmOptions.OllamaModelsDir"/>): <c>manifests/&lt;host&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;tag&gt;</c>
/// and <c>blobs/sha256-&lt;hex&gt;</c>, as Ollama's <c>manifest/paths.go</c> lays it out. Paths are only ever built from an
/// <see cref="OllamaModelName"/> or a digest that passed <see cref="BlobDigest.IsValid"/>.
/// </summary>
internal sealed class OllamaModelsDirectory(IOptions<LlmOptions> options)
{
    /// <summary>The directory: the option, else <c>OLLAMA_MODELS</c>, else <c>~/.ollama/models</c> (Ollama's <c>envconfig.Models</c>).</summary>
    /// <remarks>
    /// Ollama installed as a Linux service runs as the user <c>ollama</c>, whose home is <c>/usr/share/ollama</c>, so its
    /// models are in <c>/usr/share/ollama/.ollama/models</c>: that is not this process's default, and the README says to set the option.
    /// </remarks>
    public string Root { get; } = Resolve(options.Value.OllamaModelsDir);

    public static string Resolve(string configured) =>
        Path.GetFullPath(configured is { Length: > 0 } ? configured
            // The process's own environment, as Ollama reads it: a node started next to Ollama (same user, same service
            // environment) sees the same OLLAMA_MODELS.
            : Environment.GetEnvironmentVariable("OLLAMA_MODELS") is { Length: > 0 } fromEnvironment ? fromEnvironment
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ollama", "models"));

    public string ManifestPath(OllamaModelName name) => Path.Combine(Root, "manifests", name.RelativeManifestPath);

    public string BlobsFolder => Path.Combine(Root, "blobs");

    /// <summary>The blob's path; <paramref name="digest"/> must be valid.</summary>
    public string BlobPath(string digest) =>
        BlobDigest.IsValid(digest) ? Path.Combine(BlobsFolder, BlobDigest.FileName(digest)) : throw new ArgumentException("not a blob digest", nameof(digest));

    /// <summary>The manifest's bytes, or null when this directory has no such model.</summary>
    public async Task<byte[]?> ReadManifestAsync(OllamaModelName name, CancellationToken cancellationToken)
    {
        var path = ManifestPath(name);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > OllamaManifest.MaxBytes)
        {
            return null;
        }

        return await File.ReadAllBytesAsync(path, cancellationToken);
    }

    /// <summary>Whether a blob of that digest and size is installed.</summary>
    public bool HasBlob(string digest, long size) => new FileInfo(BlobPath(digest)) is { Exists: true } info && info.Length == size;

    /// <summary>
    /// Whether a copy can install straight into this directory: Ollama has used it (it has <c>blobs/</c> or <c>manifests/</c>)
    /// and this process may write there. A directory Ollama never made is not created: it may not be the one Ollama reads.
    /// </summary>
    public bool IsWritable()
    {
        if (!Directory.Exists(BlobsFolder) && !Directory.Exists(Path.Combine(Root, "manifests")))
        {
            return false;
        }

        try
        {
            Directory.CreateDirectory(BlobsFolder);
            var probe = Path.Combine(BlobsFolder, $".meshmind-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// A temporary file's path in the models directory itself: on the same file system as <c>blobs/</c> and <c>manifests/</c>
    /// (so the final rename is atomic), but in neither, where Ollama would see it.
    /// </summary>
    private string Temporary() => Path.Combine(Root, $".meshmind-{Guid.NewGuid():N}.tmp");

    /// <summary>Moves a verified blob into <c>blobs/</c>: to a temporary name on its file system (a copy when across file systems), then renamed.</summary>
    public void InstallBlob(string verifiedFile, string digest)
    {
        var target = BlobPath(digest);
        var temporary = Temporary();
        File.Move(verifiedFile, temporary);
        try
        {
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the manifest (after its blobs): to a temporary file, then renamed over the old one.</summary>
    public async Task InstallManifestAsync(OllamaModelName name, byte[] manifest, CancellationToken cancellationToken)
    {
        var target = ManifestPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = Temporary();
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                await file.WriteAsync(manifest, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
