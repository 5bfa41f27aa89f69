using System.Net;
using System.Net.Http.Headers;

namespace MeshMind.Llm.Models;

internal sealed partial class ModelCopier
{
    /// <summary><c>HEAD /api/blobs/sha256:…</c> on the local Ollama: whether it already has the blob.</summary>
    private async Task<bool> OllamaHasBlobAsync(string digest, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _ollama.SendAsync(new HttpRequestMessage(HttpMethod.Head, "api/blobs/" + digest), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException ex)
        {
            throw new ModelCopyException($"this node's Ollama at {_ollama.BaseAddress} could not be reached: {ex.Message}", ex);
        }
    }

    /// <summary><c>POST /api/blobs/sha256:…</c> with a verified blob; Ollama checks the digest again.</summary>
    private async Task PushBlobAsync(string path, string digest, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var content = new StreamContent(file, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        try
        {
            using var response = await _ollama.PostAsync("api/blobs/" + digest, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ModelCopyException($"this node's Ollama refused blob {digest}: {(int)response.StatusCode} {await ErrorOfAsync(response, cancellationToken)}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new ModelCopyException($"blob {digest} could not be given to this node's Ollama: {ex.Message}", ex);
        }
    }

    /// <summary><c>POST /api/create</c> (not streamed): Ollama answers once the model is made, or with its error.</summary>
    private async Task CreateAsync(OllamaCreateRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _ollama.PostAsJsonAsync("api/create", request, ModelCopyJsonContext.Default.OllamaCreateRequest, cancellationToken);
            var error = await ErrorOfAsync(response, cancellationToken);
            if (!response.IsSuccessStatusCode || error.Length > 0)
            {
                throw new ModelCopyException($"this node's Ollama could not create '{request.Model}': {(error.Length > 0 ? error : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new ModelCopyException($"this node's Ollama could not be asked to create '{request.Model}': {ex.Message}", ex);
        }
    }

    /// <summary>The <c>error</c> of Ollama's JSON answer, or "".</summary>
    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(text.Length > 64 * 1024 ? "{}" : text) is System.Text.Json.Nodes.JsonObject { } json
                && json["error"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? json["error"]!.GetValue<string>() : "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }
}
