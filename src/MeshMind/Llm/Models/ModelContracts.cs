using System.Text.Json.Serialization;

namespace MeshMind.Llm.Models;

/// <summary>
/// One model in the mesh's inventory (<c>GET /api/models</c>): a name and the content it names (<see cref="Digest"/>), with
/// every node that has that content.
/// </summary>
/// <remarks>
/// Two nodes with the same name but different content (one pulled <c>llama3</c> a month later) are two entries with the same
/// name and their own digests, so a copy or a delete can say which one it means. <see cref="Digest"/> is empty for a node that
/// did not say (an older peer, an OpenAI-compatible backend); such nodes are listed together in an entry of their own.
/// </remarks>
internal sealed record MeshModel(
    string Name,
    string Digest,
    long Size,
    string Family,
    string ParameterSize,
    string QuantizationLevel,
    IReadOnlyList<MeshModelNode> Nodes);

/// <summary>A node that has a model; <c>local</c>: this node; <c>loaded</c>: in its memory now.</summary>
internal sealed record MeshModelNode(string NodeId, string Name, bool Loaded, bool Local);

/// <summary>The body of <c>POST /api/models/pull</c>; <c>node_id</c> defaults to this node.</summary>
internal sealed record PullModelRequest(string? Model, string? NodeId = null);

/// <summary>
/// One NDJSON line of a model transfer (pull, copy): <c>{"status", "completed", "total"}</c> while it runs (the byte counts of the
/// layer named in <c>status</c>, when known), <c>{"status": "success"}</c> at the end, or <c>{"error"}</c> when it failed.
/// </summary>
internal sealed record ModelProgressLine
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Digest { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Completed { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Total { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    public static ModelProgressLine Success { get; } = new() { Status = "success" };

    public static ModelProgressLine Failed(string error) => new() { Error = error };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IReadOnlyList<MeshModel>))]
[JsonSerializable(typeof(PullModelRequest))]
[JsonSerializable(typeof(ModelProgressLine))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext;
