using System.Text;
using System.Text.Json;

namespace MeshMind.Llm.OpenAi;

/// <summary>OpenAI's chat completions request in MeshMind's terms. A pure function.</summary>
internal static class OpenAiTranslation
{
    /// <summary>
    /// The chat, its images (data URLs) as Ollama's base64 <c>images</c>, its tools, tool choice and tool calls as Ollama's
    /// fields (a <c>tool</c> message also names the function it answers, <c>tool_name</c>, as Ollama asks).
    /// </summary>
    /// <exception cref="OpenAiRequestException">A tool call that cannot be translated.</exception>
    public static LlmRequest ToRequest(OpenAiChatRequest body)
    {
        var extras = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (body.Tools is { ValueKind: not JsonValueKind.Null } tools)
        {
            extras["tools"] = tools;
        }

        if (body.ToolChoice is { ValueKind: not JsonValueKind.Null } toolChoice)
        {
            extras["tool_choice"] = toolChoice;
        }

        return new LlmRequest
        {
            Model = body.Model ?? "",
            Messages = [.. body.Messages!.Select((m, i) => ToMessage(m, body.Messages!.Take(i)))],
            Options = ToOptions(body),
            OllamaExtras = extras.Count > 0 ? extras : null,
        };
    }

    private static LlmMessage ToMessage(OpenAiMessage message, IEnumerable<OpenAiMessage> earlier)
    {
        var (text, images) = Content(message.Content);
        var role = message.Role switch
        {
            "system" or "developer" => LlmMessage.System,
            "assistant" => LlmMessage.Assistant,
            "tool" => LlmMessage.Tool,
            _ => LlmMessage.User,
        };
        var extras = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (role == LlmMessage.Assistant && message.ToolCalls is { ValueKind: not JsonValueKind.Null } calls)
        {
            extras["tool_calls"] = OpenAiTools.ToOllama(calls);
        }

        if (role == LlmMessage.Tool && message.ToolCallId is { } id)
        {
            extras["tool_call_id"] = JsonSerializer.SerializeToElement(id, OpenAiJsonContext.Default.String);
            if (OpenAiTools.FunctionName(earlier, id) is { } name)
            {
                extras["tool_name"] = JsonSerializer.SerializeToElement(name, OpenAiJsonContext.Default.String);
            }
        }

        return new LlmMessage(role, text) { Images = images.Count > 0 ? images : null, OllamaExtras = extras.Count > 0 ? extras : null };
    }

    private static GenerationOptions ToOptions(OpenAiChatRequest body) => Options(body.Temperature, body.TopP, body.MaxCompletionTokens ?? body.MaxTokens,
        body.Seed, body.PresencePenalty, body.FrequencyPenalty, body.Stop);

    /// <summary>OpenAI's sampling fields, which chat and legacy completions share.</summary>
    internal static GenerationOptions Options(float? temperature, float? topP, int? maxTokens, int? seed, float? presencePenalty,
        float? frequencyPenalty, JsonElement? stop) => new()
    {
        Temperature = temperature,
        TopP = topP,
        MaxTokens = maxTokens,
        Seed = seed,
        PresencePenalty = presencePenalty,
        FrequencyPenalty = frequencyPenalty,
        Stop = Stop(stop),
    };

    /// <summary>OpenAI's <c>stop</c>: a string or an array of strings.</summary>
    private static IReadOnlyList<string>? Stop(JsonElement? stop) => stop switch
    {
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a => [.. a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
        _ => null,
    };

    /// <summary>
    /// A message's content: a string, or parts of text and images. An image must be a base64 data URL
    /// (<c>data:image/png;base64,…</c>), whose base64 goes on as it is; this node fetches no URLs.
    /// </summary>
    /// <exception cref="OpenAiRequestException">A part that is not an object, or an image that is not a data URL.</exception>
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
                if (part.ValueKind != JsonValueKind.Object)
                {
                    throw new OpenAiRequestException("each content part must be an object with a 'type'", "messages");
                }

                var type = part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type == "text" && part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    text.Append(value.GetString());
                }
                else if (type == "image_url")
                {
                    images.Add(ImageData(part));
                }
            }
        }

        return (text.ToString(), images);
    }

    private static string ImageData(JsonElement part)
    {
        var url = part.TryGetProperty("image_url", out var image) ? image.ValueKind switch
        {
            JsonValueKind.Object when image.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
            JsonValueKind.String => image.GetString(),
            _ => null,
        } : null;
        if (url is null || !url.StartsWith("data:", StringComparison.Ordinal) || url.IndexOf(";base64,", StringComparison.Ordinal) is not (> 0 and var marker))
        {
            throw new OpenAiRequestException("an image must be a base64 data URL (data:image/png;base64,...); this node fetches no URLs", "messages");
        }

        return url[(marker + ";base64,".Length)..];
    }
}
