using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MeshMind.Bench.Llm;

/// <summary>One streamed answer as the client saw it: time to the first token, time to the final line, tokens received.</summary>
internal readonly record struct ChatTiming(double TtftMs, double TotalMs, int Tokens);

/// <summary>
/// Sends one Ollama <c>/api/chat</c> request and reads the NDJSON answer as it arrives. The first token is the first line
/// whose <c>message.content</c> is not empty; the end is the line with <c>done: true</c>.
/// </summary>
internal static class StreamingChat
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public static byte[] Body(string model, string prompt) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["model"] = model,
        ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
        ["stream"] = true,
    });

    public static async Task<ChatTiming> SendAsync(HttpClient http, Uri url, byte[] body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = s_json;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = PipeReader.Create(stream);
        double? ttft = null;
        var tokens = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    var (token, done, error) = Parse(line);
                    if (error is not null)
                    {
                        throw new InvalidOperationException($"{url} streamed an error: {error}");
                    }

                    if (token)
                    {
                        tokens++;
                        ttft ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }

                    if (done)
                    {
                        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        return new ChatTiming(ttft ?? total, total, tokens);
                    }
                }

                if (result.IsCompleted)
                {
                    throw new InvalidOperationException($"{url} ended the stream without a line with done: true");
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }

    /// <summary>Reads only what the timing needs: top-level <c>done</c> and <c>error</c>, and <c>message.content</c>.</summary>
    private static (bool Token, bool Done, string? Error) Parse(ReadOnlySequence<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        bool token = false, done = false;
        string? error = null;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1 && reader.ValueTextEquals("done"u8))
            {
                reader.Read();
                done = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.CurrentDepth == 1 && reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(line);
            }
            else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                token = reader.TokenType == JsonTokenType.String && (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > 0;
            }
        }

        return (token, done, error);
    }
}
