using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshMind.FakeOllama;

/// <summary>Handing a chat or generate request to the simulated GPU (<see cref="FakeOllamaOptions.Gpu"/>).</summary>
public sealed partial class FakeOllamaServer
{
    /// <summary>
    /// The request admitted to <see cref="Gpu"/>; null when it was answered here instead: 400 for a <c>keep_alive</c>
    /// that is not a duration, 503 with Ollama's <see cref="ServerBusy"/> when the queue is full.
    /// </summary>
    private async Task<GpuRequest?> EnqueueAsync(HttpContext context, JsonObject request, bool chat, string model, string reply, int tokens)
    {
        if (!OllamaDuration.TryParse(request["keep_alive"], out var keepAlive, out var error))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = error });
            return null;
        }

        var prompt = chat ? RenderChat(request["messages"] as JsonArray) : Text(request["system"]) + Text(request["prompt"]);
        var afterAnswer = chat ? prompt + RenderMessage("assistant", reply) : prompt + reply;
        var admitted = Gpu!.TryEnqueue(new GpuWork(model, prompt, tokens, afterAnswer, keepAlive));
        if (admitted is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = ServerBusy });
        }

        return admitted;
    }

    /// <summary>A chat's messages as the simulated model reads them: a follow-up's rendering starts with the previous one's.</summary>
    public static string RenderChat(JsonArray? messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages ?? [])
        {
            text.Append(RenderMessage(Text(message?["role"]), Text(message?["content"])));
        }

        return text.ToString();
    }

    private static string RenderMessage(string role, string content) => $"{role}: {content}\n";

    private static string Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : "";
}
