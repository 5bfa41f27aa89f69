using System.Text;

namespace MeshMind.Knowledge.Extraction;

/// <summary>
/// The searchable text of a shared file: plain text, Markdown and source code as they are, HTML without its markup, PDF
/// through <see cref="PdfText"/>; anything else (images, archives, binaries) has none.
/// </summary>
internal static class TextExtractor
{
    /// <summary>The text of a file, or null when it has none worth indexing.</summary>
    /// <param name="name">The file's name (its extension decides HTML and PDF when the content does not).</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="maxCharacters">Text beyond this many characters is left out.</param>
    public static string? Extract(string name, ReadOnlySpan<byte> content, int maxCharacters)
    {
        if (content.StartsWith("%PDF"u8) || name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
        {
            return PdfText.Extract(content.ToArray(), maxCharacters);
        }

        if (!IsText(content))
        {
            return null;
        }

        var text = Utf8(content, maxCharacters);
        return IsHtml(name, text) ? HtmlText.Extract(text) : text;
    }

    /// <summary>Whether the bytes look like UTF-8 text (no NUL in the first 8 KiB, which decodes strictly).</summary>
    public static bool IsText(ReadOnlySpan<byte> content)
    {
        var sample = content[..Math.Min(content.Length, 8192)];
        if (sample.Contains((byte)0))
        {
            return false;
        }

        try
        {
            // A multi-byte character cut at the sample's end is still text.
            _ = new UTF8Encoding(false, true).GetCharCount(sample.Length < content.Length ? sample[..Math.Max(0, sample.Length - 4)] : sample);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Utf8(ReadOnlySpan<byte> content, int maxCharacters)
    {
        // UTF-8 needs at least one byte a character, so this many bytes hold every character that is kept.
        var bytes = content[..(int)Math.Min(content.Length, (long)maxCharacters * 4)];
        var text = Encoding.UTF8.GetString(bytes);
        return text.Length <= maxCharacters ? text : text[..maxCharacters];
    }

    private static bool IsHtml(string name, string text) =>
        name.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".htm", StringComparison.OrdinalIgnoreCase)
        || text.AsSpan().TrimStart().StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
        || text.AsSpan().TrimStart().StartsWith("<html", StringComparison.OrdinalIgnoreCase);
}
