using System.Net.Http.Headers;
using System.Text.Json;
using MeshMind.Llm.Pipeline;

namespace MeshMind.Llm.Ollama;

/// <summary>
/// A host that speaks Ollama's API over <paramref name="http"/> (base address set): this node's Ollama, or a peer's mesh
/// port (which serves the same contract). Chats go to <c>POST /api/chat</c> and completions of a prompt to
/// <c>POST /api/generate</c>, always streamed; the answer is read line by line.
/// </summary>
internal sealed class OllamaBackend(HttpClient http) : ILocalBackend
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public async Task<BackendAnswer> SendAsync(LlmRequest request, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            var generate = request.Prompt is not null;
            var body = generate
                ? JsonSerializer.SerializeToUtf8Bytes(OllamaTranslation.ToGenerateWire(request), OllamaJsonContext.Default.OllamaGenerateRequest)
                : JsonSerializer.SerializeToUtf8Bytes(OllamaTranslation.ToWire(request), OllamaJsonContext.Default.OllamaChatRequest);
            using (var message = new HttpRequestMessage(HttpMethod.Post, generate ? "api/generate" : "api/chat")
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = s_json } },
            })
            {
                response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }

            response.EnsureSuccessStatusCode();
            return new OllamaAnswer(await OllamaLineReader.OpenAsync(response, cancellationToken), generate);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary><c>POST /api/embed</c> with the inputs as an array and the other fields as the client sent them.</summary>
    public async Task<EmbedResult> EmbedAsync(EmbedRequest request, CancellationToken cancellationToken)
    {
        var wire = new OllamaEmbedRequest
        {
            Model = request.Model,
            Input = JsonSerializer.SerializeToElement(request.Input, OllamaJsonContext.Default.IReadOnlyListString),
            Extras = request.OllamaExtras is { Count: > 0 } extras ? new Dictionary<string, JsonElement>(extras) : null,
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/embed")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(wire, OllamaJsonContext.Default.OllamaEmbedRequest))
            {
                Headers = { ContentType = s_json },
            },
        };
        using var response = await http.SendAsync(message, cancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync(OllamaJsonContext.Default.OllamaEmbedResponse, cancellationToken);
        if (answer?.Embeddings is not { } embeddings || embeddings.Count != request.Input.Count)
        {
            throw new HttpRequestException($"the host answered {answer?.Embeddings?.Count ?? 0} vectors for {request.Input.Count} inputs");
        }

        return new EmbedResult(answer.Model ?? request.Model, embeddings, answer.TotalDuration ?? 0, answer.LoadDuration ?? 0, answer.PromptEvalCount ?? 0);
    }

    /// <summary>What <c>/api/tags</c> lists, marked loaded when <c>/api/ps</c> lists it too.</summary>
    public async Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken)
    {
        var tags = await http.GetFromJsonAsync("api/tags", OllamaJsonContext.Default.OllamaListed, cancellationToken);
        var running = await http.GetFromJsonAsync("api/ps", OllamaJsonContext.Default.OllamaListed, cancellationToken);
        var loaded = (running?.Models ?? []).Select(m => m.Name).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. (tags?.Models ?? [])
            .Where(m => !string.IsNullOrEmpty(m.Name))
            .Select(m => new ModelInfo(m.Name!, loaded.Contains(m.Name!), m.Size, m.Details?.Family ?? "", m.Details?.ParameterSize ?? "",
                m.Digest ?? "", m.Details?.QuantizationLevel ?? ""))
            .OrderBy(m => m.Name, StringComparer.Ordinal)];
    }
}
