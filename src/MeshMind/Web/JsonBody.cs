using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MeshMind.Web;

/// <summary>
/// Reads a small JSON request body with a size cap and turns every malformed input into a clear 400/413/415,
/// instead of the framework's empty 400.
/// </summary>
public static class JsonBody
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
            return (null, ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"the JSON body is larger than {maxBytes} bytes"));
        }

        try
        {
            await using var limited = new LimitedReadStream(request.Body, maxBytes);
            var value = await JsonSerializer.DeserializeAsync(limited, typeInfo, request.HttpContext.RequestAborted);
            return value is null ? (null, ApiResults.Error(StatusCodes.Status400BadRequest, "the JSON body is empty")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiResults.Error(StatusCodes.Status400BadRequest, $"the JSON body is not valid: {ex.Message}"));
        }
        catch (LimitedReadStream.LimitExceededException)
        {
            return (null, ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"the JSON body is larger than {maxBytes} bytes"));
        }
    }
}
