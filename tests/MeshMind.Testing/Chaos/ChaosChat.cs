using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace MeshMind.Testing.Chaos;

/// <summary>Sends one streamed chat to a lab node through one of its APIs and tells how it ended (<see cref="ChatOutcome"/>).</summary>
public static class ChaosChat
{
    /// <summary>The fake Ollama's deterministic reply to <paramref name="question"/>.</summary>
    public static string Echo(string model, string question) => $"Echo from {model}: {question}";

    public static async Task<ChatOutcome> SendAsync(LabNode node, ChatApi api, string client, string model, string question, TimeSpan limit,
        CancellationToken cancellationToken)
    {
        var messages = new[] { new { role = "user", content = question } };
        var (path, body) = api switch
        {
            ChatApi.MeshMind => ("/api/chat", JsonSerializer.Serialize(new { message = question, model, stream = true })),
            ChatApi.Ollama => ("/ollama/api/chat", JsonSerializer.Serialize(new { model, messages, stream = true })),
            _ => ("/v1/chat/completions", JsonSerializer.Serialize(new { model, messages, stream = true })),
        };
        var started = Stopwatch.GetTimestamp();
        var response = await node.PostJsonAsync(path, body, limit, cancellationToken: cancellationToken);
        var ended = Stopwatch.GetTimestamp();
        var (kind, host, detail) = Classify(response, api, Echo(model, question));
        return new ChatOutcome(question, api, client, started, ended, kind, host, detail);
    }

    /// <summary>Reads a whole streamed response in <paramref name="api"/>'s form.</summary>
    public static (string Kind, string? Host, string Detail) Classify(LabResponse response, ChatApi api, string expected)
    {
        if (!response.Completed)
        {
            return (ChatOutcome.Hung, null, $"curl {response.CurlExitCode} {response.CurlError}");
        }

        if (response.Status != 200)
        {
            return (ChatOutcome.Refused, null, $"{response.Status} {response.Body}");
        }

        try
        {
            var (text, ended, error, host) = api switch
            {
                ChatApi.MeshMind => ReadMeshMind(response.Body),
                ChatApi.Ollama => ReadOllama(response.Body),
                _ => ReadOpenAi(response.Body),
            };
            if (ended && error is null && text == expected)
            {
                return (ChatOutcome.Answered, host, "");
            }

            return error is not null && text.Length > 0 && expected.StartsWith(text, StringComparison.Ordinal)
                ? (ChatOutcome.Cut, host, error)
                : (ChatOutcome.Refused, host, response.Body);
        }
        catch (JsonException ex)
        {
            return (ChatOutcome.Refused, null, $"not the API's stream ({ex.Message}): {response.Body}");
        }
    }

    private static IEnumerable<JsonElement> Lines(string body) =>
        body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        });

    /// <summary>MeshMind's events: the text of the token events; ended by <c>done</c> with the whole response.</summary>
    private static (string Text, bool Ended, string? Error, string? Host) ReadMeshMind(string body)
    {
        var text = new StringBuilder();
        string? host = null;
        foreach (var e in Lines(body))
        {
            switch (e.GetProperty("type").GetString())
            {
                case "start":
                    host = e.GetProperty("host").GetProperty("node_id").GetString();
                    break;
                case "token":
                    text.Append(e.GetProperty("content").GetString());
                    break;
                case "done":
                    return (e.GetProperty("response").GetString() == text.ToString() ? text.ToString() : "", true, null, host);
                case "error":
                    return (text.ToString(), false, e.GetProperty("error").GetString() ?? "an error without a message", host);
            }
        }

        return (text.ToString(), false, null, host);
    }

    /// <summary>Ollama's lines: <c>message.content</c> of each; ended by <c>"done": true</c>.</summary>
    private static (string Text, bool Ended, string? Error, string? Host) ReadOllama(string body)
    {
        var text = new StringBuilder();
        foreach (var line in Lines(body))
        {
            if (line.TryGetProperty("error", out var error))
            {
                return (text.ToString(), false, error.GetString() ?? "an error without a message", null);
            }

            if (line.TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content))
            {
                text.Append(content.GetString());
            }

            if (line.TryGetProperty("done", out var done) && done.GetBoolean())
            {
                return (text.ToString(), true, null, null);
            }
        }

        return (text.ToString(), false, null, null);
    }

    /// <summary>OpenAI's events: <c>choices[0].delta.content</c> of each chunk; ended by <c>data: [DONE]</c>.</summary>
    private static (string Text, bool Ended, string? Error, string? Host) ReadOpenAi(string body)
    {
        var text = new StringBuilder();
        foreach (var raw in body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!raw.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = raw["data:".Length..].Trim();
            if (data == "[DONE]")
            {
                return (text.ToString(), true, null, null);
            }

            using var document = JsonDocument.Parse(data);
            var chunk = document.RootElement;
            if (chunk.TryGetProperty("error", out var error))
            {
                return (text.ToString(), false, error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : error.ToString(), null);
            }

            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }
            }
        }

        return (text.ToString(), false, null, null);
    }
}
