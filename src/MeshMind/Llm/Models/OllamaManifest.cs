using System.Text.Json.Serialization;

namespace MeshMind.Llm.Models;

/// <summary>
/// The part of an Ollama manifest (<c>manifests/…/tag</c>, an OCI image manifest) that a copy needs: the config and layer
/// blobs. The manifest's own bytes are what is copied and installed, unchanged, so the model keeps its digest (the SHA-256
/// of those bytes, which <c>/api/tags</c> lists).
/// </summary>
internal sealed record OllamaManifest(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("config")] OllamaLayer? Config,
    [property: JsonPropertyName("layers")] IReadOnlyList<OllamaLayer>? Layers)
{
    /// <summary>The largest manifest read (Ollama's are a few KB; tensor-per-layer ones a few hundred).</summary>
    public const int MaxBytes = 4 << 20;

    /// <summary>The most blobs one model may have.</summary>
    public const int MaxBlobs = 8192;

    /// <summary>Every blob the model needs, config first, each digest once.</summary>
    public IReadOnlyList<OllamaLayer> Blobs() =>
        [.. (Config is null ? Layers ?? [] : (IEnumerable<OllamaLayer>)[Config, .. Layers ?? []]).DistinctBy(l => l.Digest)];

    /// <summary>Why this manifest cannot be copied, or null when every blob has a valid digest and a sane size.</summary>
    public string? Problem()
    {
        var blobs = Blobs();
        if (Layers is null or { Count: 0 })
        {
            return "the manifest lists no layers";
        }

        if (blobs.Count > MaxBlobs)
        {
            return $"the manifest lists more than {MaxBlobs} blobs";
        }

        return blobs.FirstOrDefault(b => !BlobDigest.IsValid(b.Digest) || b.Size < 0) is { } bad
            ? $"the manifest has a layer with a malformed digest or size ('{bad.Digest}')"
            : null;
    }
}

/// <summary>One blob of a manifest.</summary>
internal sealed record OllamaLayer(
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("size")] long Size);
