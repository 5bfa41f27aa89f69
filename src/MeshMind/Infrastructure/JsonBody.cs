using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MeshMind.Infrastructure;

/// <summary>
/// Reads a small JSON request body with a size cap and turns every malformed input into a clear 400/413/415,
/// instead of the framework's empty 400.
/// </summary>
/// <remarks>
/// The body is taken from the request's <see cref="HttpRequest.BodyReader"/> into one pooled buffer (consumed as it comes,
/// so HTTP/2 flow control and Kestrel's request buffer never wait on it) and deserialised in one synchronous pass: for
/// the few hundred bytes of a chat, the stream-based <c>DeserializeAsync</c> cost more than the parsing itself.
/// </remarks>
internal static class JsonBody
{
    public const long DefaultMaxBytes = 64 * 1024;

    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, long maxBytes = DefaultMaxBytes) where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ApiResults.Error(StatusCodes.Status415UnsupportedMediaType, "send the body as JSON with Content-Type: application/json"));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var body = request.BodyReader;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 4096, 1, maxBytes));
        var length = 0;
        try
        {
            while (true)
            {
                var result = await body.ReadAsync(request.HttpContext.RequestAborted);
                var read = result.Buffer;
                if (length + read.Length > maxBytes)
                {
                    body.AdvanceTo(read.End);
                    return (null, TooLarge(maxBytes));
                }

                if (length + read.Length > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(buffer.Length * 2L, length + read.Length), maxBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Return(buffer, length);
                    buffer = larger;
                }

                read.CopyTo(buffer.AsSpan(length));
                length += (int)read.Length;
                body.AdvanceTo(read.End);
                if (result.IsCompleted)
                {
                    break;
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("the read of the request body was cancelled");
                }
            }

            // A UTF-8 byte order mark is skipped, as the stream-based reader does.
            var json = buffer.AsSpan(0, length);
            var value = JsonSerializer.Deserialize(json.StartsWith(Utf8Bom) ? json[Utf8Bom.Length..] : json, typeInfo);
            return value is null ? (null, ApiResults.Error(StatusCodes.Status400BadRequest, "the JSON body is empty")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiResults.Error(StatusCodes.Status400BadRequest, $"the JSON body is not valid: {ex.Message}"));
        }
        finally
        {
            Return(buffer, length);
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ErrorResponse> TooLarge(long maxBytes) =>
        ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"the JSON body is larger than {maxBytes} bytes");

    /// <summary>Clears what a request put in a pooled buffer (prompts, passwords) before it goes back.</summary>
    private static void Return(byte[] buffer, int length)
    {
        buffer.AsSpan(0, length).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
