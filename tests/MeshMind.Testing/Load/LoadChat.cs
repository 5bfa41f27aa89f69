using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MeshMind.Testing.Load;

/// <summary>
/// Sends one streamed chat through a node's <see cref="LoadApi"/> and checks the answer as it arrives: every line or event
/// parsed, the tokens put together, and the stream must end with its API's end marker carrying (or having carried) exactly
/// the expected reply. Never throws for what the node did: a status, a connection error, an error line, a cut stream or a
/// short reply all come back as <see cref="LoadChatResult.Error"/>, so a load run can count them.
/// </summary>
public static class LoadChat
{
    /// <summary>The longest error text kept (a body of an error status can be long).</summary>
    private const int MaxErrorCharacters = 200;

    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    /// <summary>The path of <paramref name="api"/> under a node's base address.</summary>
    public static string Path(LoadApi api) => api switch
    {
        LoadApi.Ollama => "/ollama/api/chat",
        LoadApi.Seed => "/api/chat",
        _ => "/v1/chat/completions",
    };

    /// <summary>A streamed request body asking <paramref name="model"/> about <paramref name="prompt"/>, in <paramref name="api"/>'s shape.</summary>
    public static byte[] Body(LoadApi api, string model, string prompt) => api == LoadApi.Seed
        ? JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["message"] = prompt, ["model"] = model, ["stream"] = true })
        : JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
            ["stream"] = true,
        });

    /// <param name="http">A client that is allowed to chat (session cookie or key in its default headers).</param>
    /// <param name="baseAddress">The node's HTTP address.</param>
    /// <param name="api">Which API.</param>
    /// <param name="body">From <see cref="Body"/> for the same <paramref name="api"/>.</param>
    /// <param name="expectedReply">The whole reply the LLM sends.</param>
    /// <param name="cancellationToken">Cancels the chat; a cancelled chat is an error, not an exception.</param>
    public static async Task<LoadChatResult> SendAsync(HttpClient http, Uri baseAddress, LoadApi api, byte[] body, string expectedReply,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        double ttft = double.NaN;
        var tokens = 0;
        LoadChatResult Result(string? error) => new(api, error, ttft, Stopwatch.GetElapsedTime(started).TotalMilliseconds, tokens);
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = s_json;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, Path(api))) { Content = content };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                return Result($"HTTP {(int)response.StatusCode}: {Shorten(text)}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var reader = PipeReader.Create(stream);
            var reply = new StringBuilder(expectedReply.Length);
            try
            {
                while (true)
                {
                    var read = await reader.ReadAsync(cancellationToken);
                    var buffer = read.Buffer;
                    while (TryReadLine(ref buffer, out var line))
                    {
                        var parsed = Parse(api, line);
                        if (parsed.Error is not null)
                        {
                            return Result($"error line: {Shorten(parsed.Error)}");
                        }

                        if (parsed.Token is { Length: > 0 } token)
                        {
                            reply.Append(token);
                            tokens++;
                            if (double.IsNaN(ttft))
                            {
                                ttft = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                            }
                        }

                        if (parsed.Done)
                        {
                            var whole = reply.ToString();
                            return whole != expectedReply
                                ? Result($"incomplete reply: {whole.Length} of {expectedReply.Length} characters before the end")
                                : parsed.Whole is { } said && said != expectedReply
                                    ? Result($"the done event's reply differs: {said.Length} of {expectedReply.Length} characters")
                                    : Result(null);
                        }
                    }

                    if (read.IsCompleted)
                    {
                        return Result($"stream ended without its end marker after {tokens} tokens");
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
            finally
            {
                await reader.CompleteAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Result($"not finished when cancelled, after {tokens} tokens");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or JsonException)
        {
            return Result($"{ex.GetType().Name}: {Shorten(ex.InnerException?.Message ?? ex.Message)}");
        }
    }

    private static string Shorten(string text) => text.Length <= MaxErrorCharacters ? text : text[..MaxErrorCharacters] + "…";

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

    /// <summary>One line: its token, whether it ends the stream, an error, and the whole reply when the end marker carries it.</summary>
    private readonly record struct Line(string? Token, bool Done, string? Error, string? Whole);

    private static Line Parse(LoadApi api, ReadOnlySequence<byte> line)
    {
        if (api == LoadApi.OpenAi)
        {
            // Server-sent events: "data: {json}" lines separated by blank lines, the last "data: [DONE]".
            var text = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
            text = text.TrimEnd((byte)'\r');
            if (text.IsEmpty)
            {
                return default;
            }

            if (!text.StartsWith("data: "u8))
            {
                return new Line(null, false, "not a server-sent event: " + Encoding.UTF8.GetString(text), null);
            }

            text = text["data: "u8.Length..];
            return text.SequenceEqual("[DONE]"u8) ? new Line(null, true, null, null) : ParseJson(api, new ReadOnlySequence<byte>(text.ToArray()));
        }

        return ParseJson(api, line);
    }

    private static Line ParseJson(LoadApi api, ReadOnlySequence<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? token = null, error = null, whole = null, type = null;
        var done = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var depth = reader.CurrentDepth;
            if (depth == 1 && reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(json);
                reader.Skip();
            }
            else if (api == LoadApi.Ollama && depth == 1 && reader.ValueTextEquals("done"u8))
            {
                reader.Read();
                done = reader.TokenType == JsonTokenType.True;
            }
            else if (api == LoadApi.Ollama && depth == 2 && reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                token = reader.GetString();
            }
            else if (api == LoadApi.Seed && depth == 1 && reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetString();
            }
            else if (api == LoadApi.Seed && depth == 1 && reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                token = reader.GetString();
            }
            else if (api == LoadApi.Seed && depth == 1 && reader.ValueTextEquals("response"u8))
            {
                reader.Read();
                whole = reader.GetString();
            }
            else if (api == LoadApi.OpenAi && depth == 4 && reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                token = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }

        return api == LoadApi.Seed
            ? new Line(type == "token" ? token : null, type == "done", error, type == "done" ? whole : null)
            : new Line(token, done, error, null);
    }
}
