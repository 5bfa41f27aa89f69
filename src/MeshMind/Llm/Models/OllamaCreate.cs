using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshMind.Llm.Models;

/// <summary>
/// How a copied model is made through Ollama's API when its models directory cannot be written (Ollama's <c>docs/api.md</c>,
/// "Create a Model"): the GGUF blobs are pushed with <c>POST /api/blobs/sha256:…</c> and named in <c>files</c> (adapters in
/// <c>adapters</c>); the template, system prompt, license, parameters and messages are sent as text. Ollama writes its
/// own config and manifest, so the model layer keeps its digest but the manifest's (what <c>/api/tags</c> lists) may differ.
/// </summary>
internal static class OllamaCreate
{
    public const int MaxTextBytes = 1 << 20;

    private const string Model = "application/vnd.ollama.image.model";
    private const string Projector = "application/vnd.ollama.image.projector";
    private const string Adapter = "application/vnd.ollama.image.adapter";
    private const string Template = "application/vnd.ollama.image.template";
    private const string System = "application/vnd.ollama.image.system";
    private const string License = "application/vnd.ollama.image.license";
    private const string Params = "application/vnd.ollama.image.params";
    private const string Messages = "application/vnd.ollama.image.messages";

    /// <summary>Layers pushed as blobs.</summary>
    public static readonly IReadOnlySet<string> BlobMediaTypes = new HashSet<string>(StringComparer.Ordinal) { Model, Projector, Adapter };

    /// <summary>Layers sent as text in the create request.</summary>
    public static readonly IReadOnlySet<string> TextMediaTypes = new HashSet<string>(StringComparer.Ordinal) { Template, System, License, Params, Messages };

    /// <summary>The create request for <paramref name="manifest"/>, with the text layers' bytes by digest.</summary>
    /// <exception cref="ModelCopyException">A text layer is not what Ollama writes there.</exception>
    public static OllamaCreateRequest Request(string name, OllamaManifest manifest, IReadOnlyDictionary<string, byte[]> texts)
    {
        var layers = manifest.Layers ?? [];
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var adapters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (layer, i) in layers.Select((l, i) => (l, i)))
        {
            switch (layer.MediaType)
            {
                case Model:
                    files[i == 0 ? "model.gguf" : $"model-{i}.gguf"] = layer.Digest;
                    break;
                case Projector:
                    files[$"projector-{i}.gguf"] = layer.Digest;
                    break;
                case Adapter:
                    adapters[$"adapter-{i}.gguf"] = layer.Digest;
                    break;
            }
        }

        string? Text(string mediaType) => layers.FirstOrDefault(l => l.MediaType == mediaType) is { } layer ? Encoding.UTF8.GetString(texts[layer.Digest]) : null;
        try
        {
            return new OllamaCreateRequest(name, files, adapters.Count > 0 ? adapters : null, Text(Template), Text(System), Text(License),
                Text(Params) is { } parameters ? JsonNode.Parse(parameters)?.AsObject() : null,
                Text(Messages) is { } messages ? JsonNode.Parse(messages)?.AsArray() : null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new ModelCopyException($"the model's parameters or messages layer is not the JSON Ollama writes: {ex.Message}", ex);
        }
    }
}
