using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Pipeline;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// A streamed completion from an OpenAI-compatible server, read as server-sent events (<c>data: {…}</c>): each event
/// with text is a chunk; <c>data: [DONE]</c> (or the end of the stream after a finish reason) is the end, whose statistics
/// are made from the usage the server sent and the time it took. A stream that stops without either is cut off, and
/// an error event is the host's error. Tool calls, streamed in pieces, become one chunk with the whole calls in Ollama's
/// shape when the answer says it finished (see <see cref="OpenAiToolCallPieces"/>).
/// </summary>
internal sealed class OpenAiSseAnswer : BackendAnswer
{
    private static readonly StreamPipeReaderOptions s_options = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024);
    private readonly HttpResponseMessage _response;
    private readonly PipeReader _body;
    private readonly CancellationTokenRegistration _abort;
    private readonly TimeProvider _time;
    private readonly long _started;
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _ended;
    private bool _finished;
    private bool _donePending;
    private readonly OpenAiToolCallPieces _toolCalls = new();
    private long? _firstToken;
    private string? _finishReason;
    private long _promptTokens;
    private long? _completionTokens;
    private long _chunks;
    private LlmChunk _chunk = new("");

    private OpenAiSseAnswer(HttpResponseMessage response, Stream body, TimeProvider time, CancellationToken abort)
    {
        _response = response;
        _body = PipeReader.Create(body, s_options);
        _time = time;
        _started = time.GetTimestamp();
        // Ending the answer disposes the response, so a pending read fails at once (see OllamaLineReader).
        _abort = abort.Register(static state => ((HttpResponseMessage)state!).Dispose(), response);
    }

    public static async Task<OpenAiSseAnswer> OpenAsync(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken) =>
        new(response, await response.Content.ReadAsStreamAsync(cancellationToken), time, cancellationToken);

    public override LlmChunk Chunk() => _chunk;

    public override LlmResult Result()
    {
        var total = _time.GetElapsedTime(_started);
        var generating = _firstToken is { } first ? _time.GetElapsedTime(first) : TimeSpan.Zero;
        return new LlmResult
        {
            // A call of tools is a finished answer; Ollama says "stop" for it too.
            DoneReason = _finishReason is null or "tool_calls" ? "stop" : _finishReason,
            TotalDuration = (long)(total.TotalMilliseconds * 1e6),
            PromptEvalCount = (int)_promptTokens,
            PromptEvalDuration = (long)((total - generating).TotalMilliseconds * 1e6),
            EvalCount = (int)(_completionTokens ?? _chunks),
            EvalDuration = Math.Max(1, (long)(generating.TotalMilliseconds * 1e6)),
        };
    }

    public override bool TryRead()
    {
        if (_donePending)
        {
            _donePending = false;
            return Finish();
        }

        while (_holding && !_finished)
        {
            if (OllamaLines.TryReadLine(ref _buffer, out var line))
            {
                if (Take(line))
                {
                    return true;
                }

                continue;
            }

            if (_ended)
            {
                if (!_buffer.IsEmpty)
                {
                    // A last line without its newline.
                    var rest = _buffer;
                    _buffer = _buffer.Slice(_buffer.End);
                    if (Take(rest))
                    {
                        return true;
                    }

                    continue;
                }

                // The stream ended: a finish reason without [DONE] is still a finish; nothing at all is a cut-off.
                _holding = false;
                if (_finishReason is not null)
                {
                    return Finish();
                }

                return false;
            }

            if (_buffer.Length > OllamaLines.MaxLineBytes)
            {
                Piece = AnswerPiece.Invalid;
                Error = $"an event longer than {OllamaLines.MaxLineBytes} bytes";
                _buffer = _buffer.Slice(_buffer.End);
                _finished = true;
                return true;
            }

            _body.AdvanceTo(_buffer.Start, _buffer.End);
            _holding = false;
        }

        return false;
    }

    public override async ValueTask<bool> ReadAsync(PipeWriter? beforeWaiting, CancellationToken flushToken, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryRead())
            {
                return true;
            }

            if (_ended || _finished)
            {
                return false;
            }

            var pending = _body.ReadAsync(cancellationToken);
            if (!pending.IsCompleted && beforeWaiting is not null)
            {
                await beforeWaiting.FlushAsync(flushToken);
            }

            var result = await pending;
            if (result.IsCanceled)
            {
                throw new OperationCanceledException("the read of the answer was cancelled");
            }

            _buffer = result.Buffer;
            _ended = result.IsCompleted;
            _holding = true;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _abort.DisposeAsync();
        try
        {
            await _body.CompleteAsync();
        }
        finally
        {
            _response.Dispose();
        }
    }

    /// <summary>One line of the event stream; true when it made a piece (a chunk, the end, an error).</summary>
    private bool Take(ReadOnlySequence<byte> line)
    {
        var data = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
        if (!data.StartsWith("data:"u8))
        {
            return false;
        }

        data = data[5..].Trim(" \t"u8);
        if (data.SequenceEqual("[DONE]"u8))
        {
            if (!_toolCalls.IsEmpty)
            {
                // Calls the server never said were finished: they go out whole, then the end.
                _donePending = true;
                return Emit("", _toolCalls.Take());
            }

            return Finish();
        }

        OpenAiStreamEvent? item;
        try
        {
            item = JsonSerializer.Deserialize(data, OpenAiJsonContext.Default.OpenAiStreamEvent);
        }
        catch (JsonException)
        {
            // Not an event this reader understands; the stream goes on.
            return false;
        }

        if (item?.Error is { } error)
        {
            Piece = AnswerPiece.Error;
            Error = error.Message ?? "an error without a message";
            _finished = true;
            return true;
        }

        if (item?.Usage is { } usage)
        {
            _promptTokens = usage.PromptTokens ?? _promptTokens;
            _completionTokens = usage.CompletionTokens ?? _completionTokens;
        }

        var choice = item?.Choices is [var first, ..] ? first : null;
        _finishReason = choice?.FinishReason ?? _finishReason;
        if (choice?.Delta?.ToolCalls is { Count: > 0 } pieces)
        {
            _firstToken ??= _time.GetTimestamp();
            _toolCalls.Add(pieces);
        }

        var content = choice?.Delta?.Content ?? "";
        var calls = choice?.FinishReason is not null && !_toolCalls.IsEmpty ? _toolCalls.Take() : (JsonElement?)null;
        if (content.Length == 0 && calls is null)
        {
            return false;
        }

        return Emit(content, calls);
    }

    private bool Emit(string content, JsonElement? toolCalls)
    {
        _firstToken ??= _time.GetTimestamp();
        _chunks += content.Length > 0 ? 1 : 0;
        _chunk = new LlmChunk(content) { ToolCalls = toolCalls };
        Piece = AnswerPiece.Chunk;
        Error = null;
        return true;
    }

    private bool Finish()
    {
        Piece = AnswerPiece.Done;
        Error = null;
        _finished = true;
        return true;
    }
}
