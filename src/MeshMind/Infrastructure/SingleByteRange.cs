using Microsoft.Net.Http.Headers;

namespace MeshMind.Infrastructure;

/// <summary>One <c>bytes=</c> range of a request, resolved against the length of what is asked for (RFC 9110 §14.1.2).</summary>
internal static class SingleByteRange
{
    /// <summary>
    /// The first and last byte of a request's <c>Range</c> when it is a single satisfiable byte range (an end past the
    /// content is cut to it; <c>bytes=-N</c> is the last N bytes); null when there is none, or several, or it cannot be served.
    /// </summary>
    public static (long From, long To)? Parse(string? header, long size) =>
        RangeHeaderValue.TryParse(header, out var range) && range.Unit == "bytes" && range.Ranges.Count == 1
            ? Resolve(range.Ranges.Single(), size)
            : null;

    private static (long From, long To)? Resolve(RangeItemHeaderValue item, long size) => (item.From, item.To) switch
    {
        ({ } from, var to) when from < size && (to is null || to >= from) => (from, Math.Min(to ?? size - 1, size - 1)),
        (null, { } suffix) when suffix > 0 && size > 0 => (Math.Max(0, size - suffix), size - 1),
        _ => null,
    };
}
