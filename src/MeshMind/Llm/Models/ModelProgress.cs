using System.Buffers;
using System.Text.Json;
using MeshMind.Infrastructure;

namespace MeshMind.Llm.Models;

/// <summary>
/// Writes a model transfer (a pull, a copy) to the client as NDJSON <see cref="ModelProgressLine"/>s, flushed one by one, and
/// guarantees the stream's last line: <c>{"status": "success"}</c> or <c>{"error"}</c>, never a stream that just stops.
/// </summary>
/// <remarks>
/// Errors found before the first line (bad input, an unknown node, no Ollama there) are plain HTTP errors; once
/// <see cref="Start"/> has sent the headers, a failure can only be told as an <c>{"error"}</c> line.
/// </remarks>
internal sealed class ModelProgress
{
    public const string ContentType = "application/x-ndjson";

    private static readonly byte[] s_newline = "\n"u8.ToArray();
    private readonly HttpResponse _response;
    private bool _ended;

    private ModelProgress(HttpResponse response) => _response = response;

    /// <summary>Whether the stream has had its last line (success or error).</summary>
    public bool Ended => _ended;

    /// <summary>Starts the NDJSON response (status 200, no buffering).</summary>
    public static ModelProgress Start(HttpContext context)
    {
        StreamingResponse.Start(context, ContentType);
        return new ModelProgress(context.Response);
    }

    /// <summary>Writes one progress line (a line that is success or an error ends the stream: nothing is written after it).</summary>
    public async Task WriteAsync(ModelProgressLine line, CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return;
        }

        _ended = line.Error is not null || line.Status == ModelProgressLine.Success.Status;
        using (var writer = new Utf8JsonWriter((IBufferWriter<byte>)_response.BodyWriter))
        {
            JsonSerializer.Serialize(writer, line, ModelsJsonContext.Default.ModelProgressLine);
        }

        _response.BodyWriter.Write(s_newline);
        await _response.BodyWriter.FlushAsync(cancellationToken);
    }

    public Task SucceededAsync(CancellationToken cancellationToken) => WriteAsync(ModelProgressLine.Success, cancellationToken);

    public Task FailedAsync(string error, CancellationToken cancellationToken) => WriteAsync(ModelProgressLine.Failed(error), cancellationToken);
}
