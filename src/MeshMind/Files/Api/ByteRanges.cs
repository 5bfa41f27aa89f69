namespace MeshMind.Files.Api;

/// <summary>
/// RFC 9110 §14.2: a server ignores a Range in a unit it does not know. ASP.NET Core's range processing (and so
/// <c>PhysicalFile</c>) serves "items=0-9" as if it said bytes, so file downloads drop such a header first.
/// </summary>
internal static class ByteRanges
{
    public static void IgnoreOtherUnits(HttpRequest request)
    {
        var range = request.Headers.Range;
        if (range.Count > 0 && !(range.Count == 1 && range[0] is { } value && value.TrimStart().StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.Remove("Range");
        }
    }
}
