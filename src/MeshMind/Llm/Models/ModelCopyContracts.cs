using System.Text.Json.Serialization;
using MeshMind.Infrastructure.Blocks;

namespace MeshMind.Llm.Models;

/// <summary>The body of <c>POST /api/models/copy</c> (and, without <see cref="ToNodeId"/>, of the mesh's <c>POST /mesh/models/copy</c>).</summary>
/// <param name="Model">The model, as Ollama names it (<c>llama3</c>, <c>llama3:8b</c>, <c>someone/model:tag</c>).</param>
/// <param name="FromNodeId">The node that has it.</param>
/// <param name="ToNodeId">The node to copy it to; this node when left out.</param>
internal sealed record ModelCopyRequest(string? Model, string? FromNodeId, string? ToNodeId = null);

/// <summary>
/// One NDJSON line of a copy's progress, as Ollama's pull reports it: <c>{"status":"copying sha256:…","digest","total","completed"}</c>
/// (and <c>sources</c>: how many peers the blob's blocks come from now), then <c>{"status":"success"}</c>, or <c>{"error":"…"}</c>
/// as the last line when it failed.
/// </summary>
internal sealed record ModelCopyProgress(string? Status, string? Digest = null, long? Total = null, long? Completed = null, string? Error = null, int? Sources = null)
{
    public static ModelCopyProgress Success { get; } = new("success");

    public static ModelCopyProgress Failed(string error) => new(null, Error: error);
}

/// <summary>What is kept beside a partial blob (<c>.json</c> next to <c>.partial</c>) so a later copy can resume it.</summary>
/// <param name="Digest">The blob's digest.</param>
/// <param name="Size">The blob's size.</param>
/// <param name="BlockSize">The block list's block size.</param>
/// <param name="Verified">Bytes in the blocks that matched the block list and were written.</param>
/// <param name="Blocks">
/// Which blocks those are, a bitmap (bit <c>i % 8</c> of byte <c>i / 8</c>): with several sources they arrive in any order. Null in
/// a state written before that: then the first <paramref name="Verified"/> bytes.
/// </param>
internal sealed record PartialBlob(string Digest, long Size, int BlockSize, long Verified, byte[]? Blocks = null);

/// <summary>Ollama's <c>POST /api/create</c> from uploaded blobs (<c>docs/api.md</c>, "Create a Model").</summary>
internal sealed record OllamaCreateRequest(
    string Model,
    Dictionary<string, string> Files,
    Dictionary<string, string>? Adapters,
    string? Template,
    string? System,
    string? License,
    System.Text.Json.Nodes.JsonObject? Parameters,
    System.Text.Json.Nodes.JsonArray? Messages,
    bool Stream = false);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelCopyRequest))]
[JsonSerializable(typeof(ModelCopyProgress))]
[JsonSerializable(typeof(PartialBlob))]
[JsonSerializable(typeof(BlockList))]
[JsonSerializable(typeof(OllamaManifest))]
[JsonSerializable(typeof(OllamaCreateRequest))]
internal sealed partial class ModelCopyJsonContext : JsonSerializerContext;
