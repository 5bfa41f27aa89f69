using System.Buffers;
using System.IO.Pipelines;

namespace MeshMind.Llm.Ollama;

/// <summary>
/// Reads an Ollama NDJSON response body one line at a time through a <see cref="PipeReader"/>: each line is a slice of
/// the received bytes (valid until the next read), classified by <see cref="OllamaLines.Classify"/>, never copied or
/// turned into objects here. Disposing releases the body and the response.
/// </summary>
internal sealed class OllamaLineReader : IAsyncDisposable
{
    private static readonly StreamPipeReaderOptions s_options = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024);
    private readonly HttpResponseMessage _response;
    private readonly PipeReader _body;
    private readonly CancellationTokenRegistration _abort;
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _ended;

    private OllamaLineReader(HttpResponseMessage response, Stream body, CancellationToken abort)
    {
        _response = response;
        _body = PipeReader.Create(body, s_options);
        // Once the headers are in, HttpClient no longer watches the request's token: ending the answer (deadline, stall,
        // client gone) disposes the response, so a pending read fails at once and the connection closes at the host.
        _abort = abort.Register(static state => ((HttpResponseMessage)state!).Dispose(), response);
    }

    /// <summary>The line read last (without its newline); valid until the next read.</summary>
    public ReadOnlySequence<byte> Line { get; private set; }

    public OllamaLineKind Kind { get; private set; }

    /// <summary>The message of an <see cref="OllamaLineKind.Error"/> line, or why a line is <see cref="OllamaLineKind.Invalid"/> when known.</summary>
    public string? Error { get; private set; }

    /// <param name="response">The host's response, headers read; owned by the reader from now on.</param>
    /// <param name="cancellationToken">Ends the answer: cancelling it disposes the response, also while a read is pending.</param>
    public static async Task<OllamaLineReader> OpenAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        new(response, await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken);

    /// <summary>Takes the next line if it has already arrived; no waiting.</summary>
    public bool TryRead()
    {
        while (_holding)
        {
            if (OllamaLines.TryReadLine(ref _buffer, out var line))
            {
                if (!OllamaLines.IsBlank(line))
                {
                    Take(line);
                    return true;
                }

                continue;
            }

            if (_ended)
            {
                // A last line without its newline; cut off mid-object it classifies as invalid.
                if (!_buffer.IsEmpty && !OllamaLines.IsBlank(_buffer))
                {
                    var rest = _buffer;
                    _buffer = _buffer.Slice(_buffer.End);
                    Take(rest);
                    return true;
                }

                return false;
            }

            if (_buffer.Length > OllamaLines.MaxLineBytes)
            {
                // Not an answer any client should get; reported as a broken line, and nothing is read after it.
                Line = default;
                Kind = OllamaLineKind.Invalid;
                Error = $"a line longer than {OllamaLines.MaxLineBytes} bytes";
                _buffer = _buffer.Slice(_buffer.End);
                _ended = true;
                return true;
            }

            // Everything before the partial line is used; keep that, ask for more.
            _body.AdvanceTo(_buffer.Start, _buffer.End);
            _holding = false;
        }

        return false;
    }

    /// <summary>Reads the next line; false when the body ended.</summary>
    /// <param name="beforeWaiting">Flushed if the next line has not arrived yet, so what was written reaches its reader before this waits.</param>
    /// <param name="flushToken">For that flush.</param>
    /// <param name="cancellationToken">Ends the wait for the host.</param>
    public async ValueTask<bool> ReadAsync(PipeWriter? beforeWaiting, CancellationToken flushToken, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryRead())
            {
                return true;
            }

            if (_ended)
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

    private void Take(ReadOnlySequence<byte> line)
    {
        Line = line;
        Kind = OllamaLines.Classify(line, out var error);
        Error = error;
    }

    public async ValueTask DisposeAsync()
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
}
