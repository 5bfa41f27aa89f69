using System.Text;
using System.Text.Json;

namespace MeshMind.Llm.OpenAi;

/// <summary>OpenAI's chat completions request in MeshMind's terms. A pure function.</summary>
internal static class OpenAiTranslation
{
    public static LlmRequest ToRequest(OpenAiChatRequest body) => new()
    {
        Model = body.Model ?? "",
        Messages = [.. body.Messages!.Select(m =>
        {
            var (text, images) = Content(m.Content);
            var role = m.Role switch
            {
                "system" or "developer" => LlmMessage.System,
                "assistant" => LlmMessage.Assistant,
                "tool" => LlmMessage.Tool,
                _ => LlmMessage.User,
            };
            return new LlmMessage(role, text) { Images = images.Count > 0 ? images : null };
        })],
        Options = new GenerationOptions
        {
            Temperature = body.Temperature,
            TopP = body.TopP,
            MaxTokens = body.MaxCompletionTokens ?? body.MaxTokens,
            Seed = body.Seed,
            PresencePenalty = body.PresencePenalty,
            FrequencyPenalty = body.FrequencyPenalty,
            Stop = body.Stop switch
            {
                { ValueKind: JsonValueKind.String } s => [s.GetString()!],
                { ValueKind: JsonValueKind.Array } a => [.. a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
                _ => null,
            },
        },
    };

    /// <summary>A message's content: a string, or parts of text and images (data URLs; the base64 after the comma is kept).</summary>
    private static (string Text, List<string> Images) Content(JsonElement? content)
    {
        var images = new List<string>();
        if (content is not { } element)
        {
            return ("", images);
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return (element.GetString() ?? "", images);
        }

        var text = new StringBuilder();
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in element.EnumerateArray())
            {
                var type = part.TryGetProperty("type", out var t) ? t.GetString() : null;
                if (type == "text" && part.TryGetProperty("text", out var value))
                {
                    text.Append(value.GetString());
                }
                else if (type == "image_url" && part.TryGetProperty("image_url", out var image) && image.TryGetProperty("url", out var url)
                    && url.GetString() is { } dataUrl && dataUrl.StartsWith("data:", StringComparison.Ordinal) && dataUrl.IndexOf(',', StringComparison.Ordinal) is > 0 and var comma)
                {
                    images.Add(dataUrl[(comma + 1)..]);
                }
            }
        }

        return (text.ToString(), images);
    }
}
