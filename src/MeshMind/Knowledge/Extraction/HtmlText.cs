using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace MeshMind.Knowledge.Extraction;

/// <summary>HTML → the text a reader sees: scripts, styles and comments dropped, tags become spaces, entities decoded.</summary>
internal static partial class HtmlText
{
    public static string Extract(string html)
    {
        var withoutCode = Invisible().Replace(html, " ");
        var text = new StringBuilder(withoutCode.Length);
        foreach (var piece in Tag().Split(withoutCode))
        {
            text.Append(WebUtility.HtmlDecode(piece)).Append(' ');
        }

        return Spaces().Replace(text.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"<!--.*?-->|<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 5_000)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.None, matchTimeoutMilliseconds: 5_000)]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 5_000)]
    private static partial Regex Spaces();
}
