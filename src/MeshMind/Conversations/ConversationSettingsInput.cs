using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshMind.Conversations;

/// <summary>
/// Reads generation settings from a request body (<c>PATCH /api/conversations/{id}</c>, <c>POST /api/chat</c>): a field that is
/// there replaces the current value (null clears it), a field that is not keeps it.
/// </summary>
internal static class ConversationSettingsInput
{
    public const int MaxSystemPromptCharacters = 8_000;
    public const double MaxTemperature = 2;
    public const int MaxTokensLimit = 32_768;

    public static (ConversationSettings? Settings, string? Error) Read(JsonObject body, ConversationSettings current)
    {
        var settings = current;
        if (body.TryGetPropertyValue("system_prompt", out var prompt))
        {
            if (prompt is null)
            {
                settings = settings with { SystemPrompt = null };
            }
            else if (prompt.GetValueKind() != JsonValueKind.String)
            {
                return (null, "'system_prompt' must be a string or null");
            }
            else
            {
                var text = prompt.GetValue<string>().Trim();
                if (text.Length > MaxSystemPromptCharacters)
                {
                    return (null, $"'system_prompt' is longer than {MaxSystemPromptCharacters} characters");
                }

                settings = settings with { SystemPrompt = text.Length == 0 ? null : text };
            }
        }

        if (body.TryGetPropertyValue("temperature", out var temperature))
        {
            if (temperature is null)
            {
                settings = settings with { Temperature = null };
            }
            else if (temperature.GetValueKind() != JsonValueKind.Number || !temperature.AsValue().TryGetValue<double>(out var value)
                || value is < 0 or > MaxTemperature)
            {
                return (null, $"'temperature' must be a number from 0 to {MaxTemperature}, or null for the host's default");
            }
            else
            {
                settings = settings with { Temperature = value };
            }
        }

        if (body.TryGetPropertyValue("max_tokens", out var maxTokens))
        {
            if (maxTokens is null)
            {
                settings = settings with { MaxTokens = null };
            }
            else if (maxTokens.GetValueKind() != JsonValueKind.Number || !maxTokens.AsValue().TryGetValue<int>(out var count) || count is < 1 or > MaxTokensLimit)
            {
                return (null, $"'max_tokens' must be a whole number from 1 to {MaxTokensLimit}, or null for the host's default");
            }
            else
            {
                settings = settings with { MaxTokens = count };
            }
        }

        return (settings, null);
    }
}
