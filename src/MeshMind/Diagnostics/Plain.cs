using System.Globalization;
using System.Net;

namespace MeshMind.Diagnostics;

/// <summary>Numbers, times and names as the doctor writes them for people.</summary>
internal static class Plain
{
    /// <summary>"45 s", "3 min", "2 h".</summary>
    public static string Duration(TimeSpan span)
    {
        var abs = span.Duration();
        return abs.TotalSeconds < 90 ? $"{Math.Round(abs.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s"
            : abs.TotalMinutes < 90 ? $"{Math.Round(abs.TotalMinutes).ToString(CultureInfo.InvariantCulture)} min"
            : abs.TotalHours < 48 ? $"{Math.Round(abs.TotalHours).ToString(CultureInfo.InvariantCulture)} h"
            : $"{Math.Round(abs.TotalDays).ToString(CultureInfo.InvariantCulture)} days";
    }

    /// <summary>"1 announcement", "14 announcements".</summary>
    public static string Count(long count, string singular, string? plural = null) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");

    /// <summary>"10.0.0.7:7878", "[fe80::1]:7878".</summary>
    public static string EndPoint(IPAddress address, int port) => new IPEndPoint(address, port).ToString();

    /// <summary>"'laptop'", or the short node id when the name is empty.</summary>
    public static string Name(string? name, string? nodeId) =>
        !string.IsNullOrWhiteSpace(name) ? $"'{name}'" : nodeId is { Length: >= 12 } ? nodeId[..12] : "a peer";

    /// <summary>"a, b and c" (at most <paramref name="max"/> items, then "and N more").</summary>
    public static string List(IReadOnlyList<string> items, int max = 5)
    {
        if (items.Count == 0)
        {
            return "";
        }

        var shown = items.Take(max).ToList();
        var rest = items.Count - shown.Count;
        if (rest > 0)
        {
            return string.Join(", ", shown) + $" and {rest.ToString(CultureInfo.InvariantCulture)} more";
        }

        return shown.Count == 1 ? shown[0] : string.Join(", ", shown[..^1]) + " and " + shown[^1];
    }
}
